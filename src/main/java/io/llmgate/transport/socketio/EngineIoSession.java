package io.llmgate.transport.socketio;

import io.llmgate.transport.socketio.EnginePacket.Type;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One Engine.IO v4 session: its transport (long-polling, WebSocket, or polling being upgraded), its
 * {@link State}; the {@link PollingOutbox} holds what waits for a poll, an {@link Upgrade} the move to a
 * WebSocket, and the {@link Heartbeat} watches the client.
 *
 * <p>Threading: the session lives on the context of the connection that created it and every field
 * is touched only there (no locks). Requests and frames arriving on other event loops hop over with
 * {@link #execute}.
 */
final class EngineIoSession implements EngineIoWebSocket.Listener {
  /** Which transport carries the session. */
  private enum State {
    /** Long-polling. */
    POLLING,
    /** Polling, while a probe WebSocket may upgrade it. */
    PROBING,
    /** The probe answered: polls get NOOP, writes wait in the outbox for the WebSocket. */
    UPGRADING,
    /** A WebSocket, from the start or since the upgrade. */
    WEBSOCKET,
    CLOSED;

    boolean polls() {
      return this == POLLING || this == PROBING || this == UPGRADING;
    }
  }

  private final String id;
  private final EngineIoServer server;
  private final SocketIoOptions options;
  private final Vertx vertx;
  private final Context context;
  private final Thread thread;
  private final MultiMap headers;
  private final SocketAddress remoteAddress;

  private State state;
  private PollingTransport polling; // while the state polls
  private EngineIoWebSocket webSocket; // in WEBSOCKET
  private Upgrade upgrade; // in PROBING and UPGRADING
  private final PollingOutbox outbox;

  private final Heartbeat heartbeat;

  private Handler<String> textHandler = text -> {};
  private Handler<Buffer> binaryHandler = data -> {};
  private Handler<String> closeHandler = reason -> {};
  private Handler<Void> drainHandler = v -> {};

  EngineIoSession(
      EngineIoServer server, Vertx vertx, MultiMap headers, SocketAddress remoteAddress) {
    this.id = Ids.next();
    this.server = server;
    this.options = server.options();
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.thread = Thread.currentThread();
    this.headers = headers;
    this.remoteAddress = remoteAddress;
    this.outbox = new PollingOutbox(options.getWriteQueueMaxSize());
    this.heartbeat =
        new Heartbeat(
            vertx,
            options.getPingInterval(),
            options.getPingTimeout(),
            this::sendPing,
            () -> close("ping timeout"));
  }

  // ---- API for the layer above (Socket.IO, or the raw echo of the conformance server) ----

  String id() {
    return id;
  }

  Context context() {
    return context;
  }

  /** Headers of the handshake request. */
  MultiMap headers() {
    return headers;
  }

  SocketAddress remoteAddress() {
    return remoteAddress;
  }

  boolean isClosed() {
    return state == State.CLOSED;
  }

  /** The WebSocket carrying the session, null while polling (for tests). */
  EngineIoWebSocket webSocketTransport() {
    return webSocket;
  }

  EngineIoSession textHandler(Handler<String> handler) {
    this.textHandler = handler;
    return this;
  }

  EngineIoSession binaryHandler(Handler<Buffer> handler) {
    this.binaryHandler = handler;
    return this;
  }

  /** Called once, with the reason ("transport close", "ping timeout", ...). */
  EngineIoSession closeHandler(Handler<String> handler) {
    this.closeHandler = handler;
    return this;
  }

  EngineIoSession drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  /** Runs the task on this session's context: directly when already on its event loop. */
  void execute(Runnable task) {
    if (Thread.currentThread() == thread && context.isEventLoopContext()) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }

  void send(String text) {
    send(EnginePacket.message(text));
  }

  void send(Buffer data) {
    send(EnginePacket.binaryMessage(data));
  }

  /**
   * Whether the client is not keeping up: the WebSocket's queue, or the polling outbox, is full.
   */
  boolean writeQueueFull() {
    return state == State.WEBSOCKET ? webSocket.writeQueueFull() : outbox.full();
  }

  /** Server-side close: a held poll gets CLOSE, a WebSocket is closed. */
  void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    if (state.polls()) {
      polling.release(EnginePacket.CLOSE);
    }
    destroy(reason);
  }

  // ---- opening ----

  void startPolling(HttpServerResponse handshake) {
    state = State.POLLING;
    polling = new PollingTransport(this::execute, () -> destroy("transport error"));
    polling.hold(handshake);
    open(new JsonArray().add("websocket"));
  }

  void startWebSocket(EngineIoWebSocket transport) {
    state = State.WEBSOCKET;
    webSocket = transport;
    open(new JsonArray());
  }

  private void open(JsonArray upgrades) {
    JsonObject handshake =
        new JsonObject()
            .put("sid", id)
            .put("upgrades", upgrades)
            .put("pingInterval", options.getPingInterval())
            .put("pingTimeout", options.getPingTimeout())
            .put("maxPayload", options.getMaxPayload());
    send(EnginePacket.of(Type.OPEN, handshake.encode()));
    heartbeat.start();
  }

  // ---- sending ----

  void send(EnginePacket packet) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.WEBSOCKET) {
      webSocket.send(packet);
      return;
    }
    outbox.add(packet);
    flushPolling();
  }

  private void flushPolling() {
    if ((state == State.POLLING || state == State.PROBING) && !outbox.isEmpty() && polling.hasPendingGet()) {
      polling.respond(outbox.takeAll());
      if (outbox.drained()) {
        drainHandler.handle(null);
      }
    }
  }

  /** Sends a PING; true when it went out at once (not queued for a later poll or the upgrade). */
  private boolean sendPing() {
    send(EnginePacket.PING);
    return state == State.WEBSOCKET || outbox.isEmpty();
  }

  /**
   * Closes the session when its pong deadline has passed, even if the timer has not fired yet
   * (timers can run a little late; a request arriving just after the deadline must find the session
   * gone).
   */
  private boolean expired() {
    if (state != State.CLOSED && heartbeat.pastDeadline()) {
      close("ping timeout");
    }
    return state == State.CLOSED;
  }

  // ---- receiving ----

  private void onPacket(EnginePacket packet) {
    switch (packet.type()) {
      case MESSAGE -> {
        if (packet.isBinary()) {
          binaryHandler.handle(packet.binary());
        } else {
          textHandler.handle(packet.text());
        }
      }
      case PONG -> heartbeat.onPong();
      case CLOSE -> onClientClose();
      case NOOP, UPGRADE -> {}
      // v4 clients never ping (only probe during an upgrade) and never open.
      case PING, OPEN -> close("transport error");
    }
  }

  private void onClientClose() {
    if (state.polls()) {
      if (polling.hasPendingGet()) {
        polling.release(EnginePacket.NOOP);
      } else {
        // The client's last poll may still be on its way on another connection: let it end with
        // NOOP rather than an error.
        server.expectLastPoll(id);
      }
    }
    destroy("transport close");
  }

  void onPollingGet(HttpServerResponse response) {
    if (expired()) {
      EngineIoError.UNKNOWN_SID.respond(response);
    } else if (!state.polls()) {
      EngineIoError.BAD_REQUEST.respond(response); // upgraded, or a WebSocket session
    } else if (polling.hasPendingGet()) {
      EngineIoError.BAD_REQUEST.respond(response);
      close("transport error"); // the held poll gets CLOSE
    } else if (state == State.UPGRADING) {
      PollingTransport.write(response, EnginePacket.NOOP.encodeText());
    } else {
      polling.hold(response);
      flushPolling();
    }
  }

  void onPollingPost(HttpServerResponse response, Buffer body) {
    if (expired()) {
      EngineIoError.UNKNOWN_SID.respond(response);
      return;
    }
    if (!state.polls()) {
      EngineIoError.BAD_REQUEST.respond(response);
      return;
    }
    List<EnginePacket> packets;
    try {
      packets = PollingPayload.decode(body.toString(StandardCharsets.UTF_8));
    } catch (MalformedPacketException e) {
      EngineIoError.BAD_REQUEST.respond(response);
      close("parse error");
      return;
    }
    for (EnginePacket packet : packets) {
      if (state == State.CLOSED) {
        break;
      }
      onPacket(packet);
    }
    PollingTransport.write(response, "ok");
  }

  void onPollingPostTooLarge(HttpServerResponse response) {
    EngineIoError.PAYLOAD_TOO_LARGE.respond(response);
    close("transport error");
  }

  // ---- WebSocket and upgrade ----

  /** A WebSocket carrying this session's sid: the client wants to upgrade from polling. */
  void onProbeWebSocket(EngineIoWebSocket transport) {
    if (state != State.POLLING) {
      transport.close(); // already upgraded or upgrading: only one WebSocket per session
      return;
    }
    state = State.PROBING;
    upgrade = new Upgrade(transport, vertx, options.getUpgradeTimeout(), this::abortUpgrade);
  }

  @Override
  public void onWebSocketText(EngineIoWebSocket transport, String text) {
    boolean probe = isProbe(transport);
    if (expired() || (transport != webSocket && !probe)) {
      return;
    }
    EnginePacket packet;
    try {
      if (text.length() > options.getMaxPayload()) {
        throw new MalformedPacketException("message larger than maxPayload");
      }
      packet = EnginePacket.decodeText(text);
    } catch (MalformedPacketException e) {
      if (probe) {
        abortUpgrade();
      } else {
        close("parse error");
      }
      return;
    }
    if (probe) {
      onProbePacket(packet);
    } else {
      onPacket(packet);
    }
  }

  @Override
  public void onWebSocketBinary(EngineIoWebSocket transport, Buffer data) {
    if (expired()) {
      return;
    }
    if (isProbe(transport)) {
      abortUpgrade();
    } else if (transport == webSocket) {
      if (data.length() > options.getMaxPayload()) {
        close("parse error");
      } else {
        onPacket(EnginePacket.binaryMessage(data));
      }
    }
  }

  @Override
  public void onWebSocketClosed(EngineIoWebSocket transport) {
    if (transport == webSocket) {
      destroy("transport close");
    } else if (isProbe(transport)) {
      abortUpgrade();
    }
  }

  @Override
  public void onWebSocketDrain(EngineIoWebSocket transport) {
    if (transport == webSocket && state != State.CLOSED) {
      drainHandler.handle(null);
    }
  }

  private boolean isProbe(EngineIoWebSocket transport) {
    return upgrade != null && upgrade.isProbe(transport);
  }

  private void onProbePacket(EnginePacket packet) {
    switch (upgrade.onPacket(packet)) {
      case PROBED -> {
        state = State.UPGRADING;
        polling.release(EnginePacket.NOOP); // lets the client pause polling and send UPGRADE
      }
      case COMPLETE -> completeUpgrade();
      case ABORT -> abortUpgrade();
    }
  }

  private void completeUpgrade() {
    webSocket = upgrade.complete();
    upgrade = null;
    state = State.WEBSOCKET;
    polling.release(EnginePacket.NOOP);
    polling = null;
    outbox.takeAll().forEach(webSocket::send);
    if (outbox.takeDrainWanted() && !webSocket.writeQueueFull()) {
      drainHandler.handle(null);
    }
  }

  private void abortUpgrade() {
    if (upgrade == null) {
      return;
    }
    upgrade.abandon();
    upgrade = null;
    if (state != State.CLOSED) {
      state = State.POLLING;
      flushPolling();
    }
  }

  // ---- closing ----

  private void destroy(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    heartbeat.stop();
    outbox.clear();
    if (webSocket != null) {
      webSocket.close();
    }
    if (upgrade != null) {
      upgrade.abandon();
      upgrade = null;
    }
    server.remove(this);
    closeHandler.handle(reason);
  }
}
