package io.llmgate.transport.socketio;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Socket.IO v5 server (over Engine.IO v4, long-polling and WebSocket) that lives on an existing
 * Vert.x HTTP server, next to other routes on the same port.
 *
 * <pre>{@code
 * SocketIoServer io = SocketIoServer.create(vertx, new SocketIoOptions());
 * io.namespace("/").authHandler(auth -> jwt.verify(auth.getString("token")))
 *     .connectionHandler(socket -> socket.on("hello", (args, ack) -> socket.emit("world")));
 * io.mount(router);
 * vertx.createHttpServer(options.applyTo(new HttpServerOptions())).requestHandler(router).listen(3000);
 * }</pre>
 */
public final class SocketIoServer {

  private final Vertx vertx;
  private final SocketIoOptions options;
  private final EngineIoServer engine;
  private final Map<String, SocketIoNamespace> namespaces = new ConcurrentHashMap<>();

  private SocketIoServer(Vertx vertx, SocketIoOptions options) {
    this.vertx = vertx;
    this.options = new SocketIoOptions(options);
    this.engine =
        new EngineIoServer(vertx, this.options, session -> new SocketIoClient(this, session));
    namespace("/");
  }

  public static SocketIoServer create(Vertx vertx, SocketIoOptions options) {
    return new SocketIoServer(Objects.requireNonNull(vertx, "vertx"), options);
  }

  /**
   * The namespace with this name, created on first use. Clients asking for any other are refused.
   */
  public SocketIoNamespace namespace(String name) {
    if (name == null || !name.startsWith("/")) {
      throw new IllegalArgumentException("namespace: " + name + " (expected: starting with '/')");
    }
    return namespaces.computeIfAbsent(name, n -> new SocketIoNamespace(n,
        new PersistedSessions(vertx, options.getMaxDisconnectionDuration(), options.getRecoveryMaxBytes())));
  }

  /** Routes {@code <path>*} of the router to this server and returns that route. */
  public Route mount(Router router) {
    return router.route(options.getPath() + "*").handler(routeHandler());
  }

  /**
   * A handler for a route that matches the Socket.IO path. Reuses the body when a BodyHandler
   * already read it.
   */
  public Handler<RoutingContext> routeHandler() {
    return ctx -> {
      Buffer body = null;
      if (ctx.body().available()) {
        body = ctx.body().buffer() != null ? ctx.body().buffer() : Buffer.buffer();
      }
      engine.handle(ctx.request(), body);
    };
  }

  /** For a plain HttpServer request handler: handles the Socket.IO path, answers 404 elsewhere. */
  public void handle(HttpServerRequest request) {
    String path = request.path();
    String base = options.getPath();
    if (path.equals(base) || path.equals(base.substring(0, base.length() - 1))) {
      engine.handle(request, null);
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  /** Open Engine.IO connections (clients), whatever namespaces they joined. */
  public int connectedClients() {
    return engine.sessionCount();
  }

  /**
   * Closes every connection (clients see a transport close and may reconnect elsewhere) and refuses
   * new ones.
   */
  public Future<Void> close() {
    return engine.close("server shutting down");
  }

  SocketIoNamespace existingNamespace(String name) {
    return namespaces.get(name);
  }

  Vertx vertx() {
    return vertx;
  }

  SocketIoOptions options() {
    return options;
  }
}
