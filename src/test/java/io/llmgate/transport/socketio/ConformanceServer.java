package io.llmgate.transport.socketio;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The server the official Socket.IO and Engine.IO protocol test suites expect (see
 * docs/socketio-conformance.md): Socket.IO echo handlers on {@code /socket.io/} and a raw Engine.IO
 * echo on {@code /engine.io/}, on localhost:3000 with the suites' timings.
 */
public final class ConformanceServer {

  static SocketIoOptions options(String path) {
    return new SocketIoOptions()
        .setPath(path)
        .setPingInterval(300)
        .setPingTimeout(200)
        .setMaxPayload(1_000_000)
        .setConnectTimeout(1000)
        // Workaround for the suites' client, not production behaviour (production keeps the
        // default 0): the suites pin ws 8.5.0, which (like ws 8.17+ by default) emits every frame
        // of one TCP read in the same tick, while the suite registers its next listener only after
        // awaiting the previous one; so the second of two back-to-back frames (CONNECT reply, then
        // "auth") is lost now and then. Holding a batch 5 ms after the previous write lets that
        // frame arrive in a read of its own. Which ws versions need it: see
        // docs/socketio-conformance.md; -Dllmgate.conformance.writeCoalescingDelay=0 runs the
        // suites against the production default.
        .setWriteCoalescingDelay(Long.getLong("llmgate.conformance.writeCoalescingDelay", 5));
  }

  /** Starts both endpoints on {@code port} (0 for any); the future holds the listening server. */
  static Future<HttpServer> start(Vertx vertx, int port) {
    SocketIoOptions socketIo = options("/socket.io/");
    SocketIoServer io = SocketIoServer.create(vertx, socketIo);
    io.namespace("/").connectionHandler(ConformanceServer::echo);
    io.namespace("/custom")
        .connectionHandler(socket -> socket.emit("auth", socket.handshakeAuth()));

    EngineIoServer engine =
        new EngineIoServer(vertx, options("/engine.io/"), ConformanceServer::rawEcho);

    Router router = Router.router(vertx);
    io.mount(router);
    router.route("/engine.io/*").handler(ctx -> engine.handle(ctx.request(), null));
    return vertx
        .createHttpServer(socketIo.applyTo(new HttpServerOptions()))
        .requestHandler(router)
        .listen(port, "localhost");
  }

  private static void echo(SocketIoSocket socket) {
    socket.emit("auth", socket.handshakeAuth());
    socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
    socket.on("message-with-ack", (args, ack) -> ack.ifPresent(a -> a.send(args.toArray())));
  }

  private static void rawEcho(EngineIoSession session) {
    session.textHandler(session::send).binaryHandler(session::send);
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    Vertx vertx = Vertx.vertx();
    start(vertx, port)
        .onSuccess(
            server ->
                System.out.println(
                    "conformance server listening on localhost:"
                        + server.actualPort()
                        + " (write coalescing delay "
                        + options("/").getWriteCoalescingDelay()
                        + " ms)"))
        .onFailure(
            err -> {
              err.printStackTrace();
              vertx.close();
            });
  }

  private ConformanceServer() {}
}
