package io.llmgate.transport.socketio;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Socket.IO namespace: its auth hook, its connection handler and the sockets connected to it.
 * Configure it before traffic arrives; sockets join and leave from any event loop.
 */
public final class SocketIoNamespace {

  private static final Logger LOG = LoggerFactory.getLogger(SocketIoNamespace.class);

  private final String name;
  private final Map<String, SocketIoSocket> sockets = new ConcurrentHashMap<>();
  private volatile Function<JsonObject, Future<?>> authHandler = Future::succeededFuture;
  private volatile Handler<SocketIoSocket> connectionHandler = socket -> {};

  SocketIoNamespace(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /**
   * Decides whether a client may join, from the {@code auth} object of its CONNECT packet ({@code
   * {}} when it sent none). The future's value becomes {@link SocketIoSocket#principal()}; a
   * failure refuses the client with a CONNECT_ERROR carrying the failure's message (and {@link
   * SocketIoException#data()}). Called on the client's context. Default: accept everyone, principal
   * = the auth object.
   */
  public SocketIoNamespace authHandler(Function<JsonObject, Future<?>> handler) {
    this.authHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /** Called, on the socket's context, for each socket that joined. */
  public SocketIoNamespace connectionHandler(Handler<SocketIoSocket> handler) {
    this.connectionHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /** Number of sockets connected to this namespace. */
  public int size() {
    return sockets.size();
  }

  /** A snapshot of the connected sockets. */
  public List<SocketIoSocket> sockets() {
    return List.copyOf(sockets.values());
  }

  Future<?> authenticate(JsonObject auth) {
    try {
      Future<?> result = authHandler.apply(auth);
      return result != null ? result : Future.failedFuture("auth handler returned no future");
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  void onConnected(SocketIoSocket socket) {
    sockets.put(socket.id(), socket);
    try {
      connectionHandler.handle(socket);
    } catch (RuntimeException e) {
      LOG.warn("connection handler of namespace {} failed", name, e);
    }
  }

  void onDisconnected(SocketIoSocket socket) {
    sockets.remove(socket.id(), socket);
  }
}
