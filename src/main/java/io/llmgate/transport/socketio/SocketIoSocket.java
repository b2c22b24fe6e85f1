package io.llmgate.transport.socketio;

import io.llmgate.transport.socketio.SocketIoPacketCodec.Encoded;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connected to one namespace.
 *
 * <p>Threading: the socket lives on {@link #context()}, where its handlers are called. Its methods
 * may be called from any thread (calls from elsewhere hop to that context), but {@link
 * #writeQueueFull()} is only exact on it.
 */
public final class SocketIoSocket {

  /**
   * Handles one event: its arguments (without the name) and the ack callback, if the client asked
   * for one.
   */
  @FunctionalInterface
  public interface EventHandler {
    void handle(List<Object> args, Optional<Ack> ack);
  }

  private static final Logger LOG = LoggerFactory.getLogger(SocketIoSocket.class);

  /** Names the client library gives its own meaning; emitting them would confuse it. */
  private static final Set<String> RESERVED_EVENTS =
      Set.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener");

  /**
   * Disconnects the client did not ask for, after which it may recover: the official server's list
   * without its two server-side reasons ("server shutting down", "forced server close"), which only a
   * store shared with another node could recover, while these sessions live in this node's memory.
   */
  private static final Set<String> RECOVERABLE_REASONS =
      Set.of("transport error", "transport close", "forced close", "ping timeout");

  private record PendingAck(Promise<List<Object>> promise, long timer) {}

  private final SocketIoClient client;
  private final SocketIoNamespace namespace;
  private final String id;
  private final Object principal;
  private final JsonObject auth;

  /** Connection state recovery's private session id and outgoing log; both null with recovery off. */
  private final String pid;
  private final OutgoingLog log;
  private final boolean recovered;
  private volatile Object data;

  private final Map<String, EventHandler> handlers = new HashMap<>();
  private final Map<Long, PendingAck> pendingAcks = new HashMap<>();
  private long nextAckId;
  private boolean connected = true;
  private Handler<String> disconnectHandler = reason -> {};
  private Handler<Void> drainHandler = v -> {};

  SocketIoSocket(
      SocketIoClient client,
      SocketIoNamespace namespace,
      String id,
      Object principal,
      JsonObject auth,
      String pid,
      OutgoingLog log,
      boolean recovered,
      Object data) {
    this.client = client;
    this.namespace = namespace;
    this.id = id;
    this.principal = principal;
    this.auth = auth;
    this.pid = pid;
    this.log = log;
    this.recovered = recovered;
    this.data = data;
  }

  /** A new socket; with recovery on, under a new private session id with an empty outgoing log. */
  static SocketIoSocket fresh(
      SocketIoClient client, SocketIoNamespace namespace, Object principal, JsonObject auth) {
    boolean recovery = client.options().recoversConnectionState();
    return new SocketIoSocket(client, namespace, Ids.next(), principal, auth,
        recovery ? Ids.next() : null,
        recovery ? new OutgoingLog(client.options().getRecoveryPackets(), namespace.recoveryMemory()) : null,
        false, null);
  }

  /**
   * The socket of {@code session} back on a new connection: same id, pid, data and log, but the principal
   * this connection's auth gave: the dropped socket's was released (its connection place freed) when it
   * dropped, so a kept socket holds no place and the recovered one holds exactly its own.
   */
  static SocketIoSocket restored(SocketIoClient client, SocketIoNamespace namespace, Object principal,
      JsonObject auth, PersistedSessions.Session session) {
    return new SocketIoSocket(client, namespace, session.sid(), principal, auth, session.pid(),
        session.log(), true, session.data());
  }

  /** The CONNECT reply's payload: the socket id, and the private session id when recovery is on. */
  JsonObject connectReply() {
    JsonObject reply = new JsonObject().put("sid", id);
    return pid == null ? reply : reply.put("pid", pid);
  }

  /**
   * Whether this socket is one that lost its connection and came back as itself (connection state
   * recovery): it kept its id and {@link #data()}, and was sent every event packet it missed.
   */
  public boolean recovered() {
    return recovered;
  }

  /** What the application keeps with this socket; survives a recovered disconnect. */
  public Object data() {
    return data;
  }

  public SocketIoSocket data(Object value) {
    this.data = value;
    return this;
  }

  /** The Socket.IO socket id (not the Engine.IO session id). */
  public String id() {
    return id;
  }

  public String namespace() {
    return namespace.name();
  }

  /** What the namespace's auth handler returned (the auth object when it has none). */
  public Object principal() {
    return principal;
  }

  public <T> T principal(Class<T> type) {
    return type.cast(principal);
  }

  /** The {@code auth} object the client sent with CONNECT; {@code {}} when none. */
  public JsonObject handshakeAuth() {
    return auth;
  }

  /** Headers of the request that opened the connection. */
  public MultiMap handshakeHeaders() {
    return client.session().headers();
  }

  public SocketAddress remoteAddress() {
    return client.session().remoteAddress();
  }

  /** The Vert.x context this socket lives on. */
  public Context context() {
    return client.session().context();
  }

  public boolean isConnected() {
    return connected;
  }

  /** Sets the handler of one event, replacing any earlier one. */
  public SocketIoSocket on(String event, EventHandler handler) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(handler, "handler");
    client.execute(() -> handlers.put(event, handler));
    return this;
  }

  /**
   * Sends an event. Arguments: JsonObject, JsonArray, String, Number, Boolean, null, and Buffer or
   * byte[] (sent as binary attachments). Encoded at once, so later changes to them don't show.
   */
  public SocketIoSocket emit(String event, Object... args) {
    String offset = log == null ? null : log.nextOffset();
    Object[] sent = args;
    if (offset != null) {
      sent = Arrays.copyOf(args, args.length + 1);
      sent[args.length] = offset;
    }
    List<EnginePacket> frames = SocketIoClient.frames(
        SocketIoPacketCodec.encodeEvent(namespace(), SocketIoPacket.NO_ACK, checkName(event), sent));
    client.execute(() -> sendKept(offset, frames));
    return this;
  }

  /** Sends an event packet's frames and, with recovery on, keeps them under their offset. */
  private void sendKept(String offset, List<EnginePacket> frames) {
    if (connected) {
      frames.forEach(client::send);
      if (log != null) {
        log.add(offset, frames);
      }
    }
  }

  /**
   * Sends an event whose one argument is already-encoded JSON, without parsing it: the cheap path
   * for token streams. The caller guarantees {@code jsonPayload} is one valid JSON value.
   */
  public SocketIoSocket emitRaw(String event, String jsonPayload) {
    return emitRaw(event, jsonPayload.length(), json -> json.append(jsonPayload));
  }

  /**
   * Like {@link #emitRaw(String, String)}, with the JSON written by {@code json} straight into the
   * frame (of about {@code sizeHint} chars of JSON): a token is encoded into one String, not three.
   * Called at once, on the caller's thread.
   */
  public SocketIoSocket emitRaw(String event, int sizeHint, Consumer<StringBuilder> json) {
    String name = checkName(event);
    String offset = log == null ? null : log.nextOffset();
    EnginePacket packet = EnginePacket.message(sizeHint + name.length() + namespace().length() + 8
            + (offset == null ? 0 : offset.length() + 3),
        frame -> SocketIoPacketCodec.appendRawEvent(frame, namespace(), name, json, offset));
    client.execute(() -> sendKept(offset, List.of(packet)));
    return this;
  }

  /** Sends an event and waits up to the default ack timeout for the client's ack arguments. */
  public Future<List<Object>> emitWithAck(String event, Object... args) {
    return emitWithAck(Duration.ofMillis(client.options().getAckTimeout()), event, args);
  }

  /**
   * Sends an event and waits for the client's ack arguments; fails with a {@link SocketIoException}
   * after {@code timeout} or when the socket disconnects first.
   */
  public Future<List<Object>> emitWithAck(Duration timeout, String event, Object... args) {
    checkName(event);
    Promise<List<Object>> promise = Promise.promise();
    client.execute(() -> sendWithAck(promise, timeout.toMillis(), event, args));
    return promise.future();
  }

  private void sendWithAck(
      Promise<List<Object>> promise, long timeoutMs, String event, Object[] args) {
    if (!connected) {
      promise.fail(new SocketIoException("socket disconnected"));
      return;
    }
    long ackId = nextAckId++;
    long timer =
        client
            .vertx()
            .setTimer(
                timeoutMs,
                t -> {
                  if (pendingAcks.remove(ackId) != null) {
                    promise.tryFail(
                        new SocketIoException(
                            "ack timeout: no ack for '" + event + "' within " + timeoutMs + " ms"));
                  }
                });
    pendingAcks.put(ackId, new PendingAck(promise, timer));
    client.send(SocketIoPacketCodec.encodeEvent(namespace(), ackId, event, args));
  }

  /**
   * Leaves the namespace (the client gets DISCONNECT and won't reconnect on its own); the
   * connection stays open.
   */
  public void disconnect() {
    disconnect(false);
  }

  /** Leaves the namespace and, with {@code closeConnection}, closes the whole connection too. */
  public void disconnect(boolean closeConnection) {
    client.execute(
        () -> {
          if (connected) {
            client.send(SocketIoPacketCodec.encodeDisconnect(namespace()));
            client.leave(this);
            onClose("server namespace disconnect");
          }
          if (closeConnection) {
            client.close("forced server close");
          }
        });
  }

  /**
   * Called once when the socket is gone, with Socket.IO's reason: "client namespace disconnect",
   * "server namespace disconnect", "transport close", "transport error", "ping timeout", "parse
   * error", "forced server close" or "server shutting down".
   */
  public SocketIoSocket disconnectHandler(Handler<String> handler) {
    Objects.requireNonNull(handler, "handler");
    client.execute(() -> this.disconnectHandler = handler);
    return this;
  }

  /**
   * Whether the client is not keeping up: the WebSocket's write queue (or, while long-polling, the
   * outgoing queue) is full. Stop emitting until {@link #drainHandler} fires.
   */
  public boolean writeQueueFull() {
    return client.session().writeQueueFull();
  }

  /** Called when the write queue has room again after {@link #writeQueueFull()} said true. */
  public SocketIoSocket drainHandler(Handler<Void> handler) {
    Objects.requireNonNull(handler, "handler");
    client.execute(() -> this.drainHandler = handler);
    return this;
  }

  // ---- called by SocketIoClient, on the context ----

  void onEvent(SocketIoPacket packet) {
    JsonArray data = (JsonArray) packet.data();
    String event = data.getString(0);
    EventHandler handler = handlers.get(event);
    if (handler == null) {
      return; // like Socket.IO: events nobody listens to are dropped
    }
    Optional<Ack> ack =
        packet.hasAckId() ? Optional.of(ackSender(packet.ackId())) : Optional.empty();
    try {
      handler.handle(SocketIoPacketCodec.values(data, 1), ack);
    } catch (RuntimeException e) {
      LOG.warn("handler of event '{}' on namespace {} failed", event, namespace(), e);
    }
  }

  private Ack ackSender(long ackId) {
    boolean[] sent = {false};
    return args -> {
      Encoded packet = SocketIoPacketCodec.encodeAck(namespace(), ackId, args);
      client.execute(
          () -> {
            if (connected && !sent[0]) {
              sent[0] = true;
              client.send(packet);
            }
          });
    };
  }

  void onAck(SocketIoPacket packet) {
    PendingAck pending = pendingAcks.remove(packet.ackId());
    if (pending != null) {
      client.vertx().cancelTimer(pending.timer());
      pending.promise().tryComplete(SocketIoPacketCodec.values((JsonArray) packet.data(), 0));
    }
  }

  void onDrain() {
    drainHandler.handle(null);
  }

  void onClose(String reason) {
    if (!connected) {
      return;
    }
    connected = false;
    if (log != null) {
      if (RECOVERABLE_REASONS.contains(reason)) {
        namespace.persist(new PersistedSessions.Session(id, pid, principal, data, log));
      } else {
        log.clear(); // nobody can recover it: its bytes go back to the namespace's bound now
      }
    }
    for (PendingAck pending : new ArrayList<>(pendingAcks.values())) {
      client.vertx().cancelTimer(pending.timer());
      pending.promise().tryFail(new SocketIoException("socket disconnected: " + reason));
    }
    pendingAcks.clear();
    namespace.onDisconnected(this);
    try {
      disconnectHandler.handle(reason);
    } catch (RuntimeException e) {
      LOG.warn("disconnect handler on namespace {} failed", namespace(), e);
    }
    namespace.release(principal);
  }

  private static String checkName(String event) {
    Objects.requireNonNull(event, "event");
    if (RESERVED_EVENTS.contains(event)) {
      throw new IllegalArgumentException("event: '" + event + "' (expected: not a reserved name)");
    }
    return event;
  }

  @Override
  public String toString() {
    return "SocketIoSocket[" + id + " on " + namespace() + "]";
  }
}
