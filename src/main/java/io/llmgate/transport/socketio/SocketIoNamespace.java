package io.llmgate.transport.socketio;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
  private final PersistedSessions persisted;
  private volatile Function<JsonObject, Future<?>> authHandler = Future::succeededFuture;
  private volatile Handler<SocketIoSocket> connectionHandler = socket -> {};

  SocketIoNamespace(String name, PersistedSessions persisted) {
    this.name = name;
    this.persisted = persisted;
  }

  public String name() {
    return name;
  }

  /**
   * Decides whether a client may join, from the {@code auth} object of its CONNECT packet ({@code
   * {}} when it sent none). The future's value becomes {@link SocketIoSocket#principal()}; a
   * failure refuses the client with a CONNECT_ERROR carrying the failure's message (and {@link
   * SocketIoException#data()}). Called on the client's context. Default: accept everyone, principal
   * = the auth object. A principal that is {@link AutoCloseable} (a reserved connection slot) is
   * closed once its socket has disconnected (also when the socket is kept for recovery: a recovering
   * client brings the principal its new auth gave), or at once if the client left before it could join.
   * With recovery on, a kept socket is restored only to a principal {@code equals} to its own.
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

  /** The bound every outgoing log of this namespace's sockets is charged to. */
  OutgoingLog.Memory recoveryMemory() {
    return persisted;
  }

  /** With connection state recovery on: keeps a socket that lost its connection, to restore it. */
  void persist(PersistedSessions.Session session) {
    persisted.persist(session);
  }

  /**
   * The socket the CONNECT {@code auth} asks to recover ({@code pid} and {@code offset}, as the npm client
   * sends them), if it is still kept for {@code principal}; empty for a client that did not ask.
   */
  Optional<PersistedSessions.Session> restore(JsonObject auth, Object principal) {
    return auth.getValue("pid") instanceof String pid && auth.getValue("offset") instanceof String offset
        ? persisted.restore(pid, offset, principal)
        : Optional.empty();
  }

  /** Sockets that lost their connection and may still recover it. */
  public int persistedSessions() {
    return persisted.size();
  }

  /**
   * About what the outgoing logs of connected sockets and of those that may recover hold on the heap, in
   * bytes; at most the recovery byte bound.
   */
  public long recoveryBytes() {
    return persisted.bytes();
  }

  void onDisconnected(SocketIoSocket socket) {
    sockets.remove(socket.id(), socket);
  }

  /** The end of {@code principal}'s socket, or of its client before it joined. */
  void release(Object principal) {
    if (principal instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing the principal of a socket on namespace {} failed", name, e);
      }
    }
  }
}
