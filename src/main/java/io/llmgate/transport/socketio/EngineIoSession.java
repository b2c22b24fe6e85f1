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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One Engine.IO v4 session: its transport (long-polling, WebSocket, or polling being upgraded), its
 * outgoing queue and the upgrade; the {@link Heartbeat} watches the client.
 *
 * <p>Threading: the session lives on the context of the connection that created it and every field
 * is touched only there (no locks). Requests and frames arriving on other event loops hop over with
 * {@link #execute}.
 */
final class EngineIoSession {

  private final String id;
  private final EngineIoServer server;
  private final SocketIoOptions options;
  private final Vertx vertx;
  private final Context context;
  private final Thread thread;
  private final MultiMap headers;
  private final SocketAddress remoteAddress;

  private PollingTransport polling; // set while long-polling carries the session
  private WebSocketTransport webSocket; // set once a WebSocket carries it
  private WebSocketTransport probe; // a WebSocket the client is upgrading to
  private boolean upgrading; // probe answered: polls get NOOP, writes wait for the WebSocket
  private boolean closed;

  // Packets waiting for the next poll (or for the upgrade to finish).
  private final ArrayDeque<EnginePacket> outbox = new ArrayDeque<>();
  private long outboxBytes;
  private boolean drainWanted;

  private final Heartbeat heartbeat;
  private long upgradeTimer = -1;

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
    return closed;
  }

  /** The WebSocket carrying the session, null while polling (for tests). */
  WebSocketTransport webSocketTransport() {
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
    if (webSocket != null) {
      return webSocket.writeQueueFull();
    }
    boolean full = outboxBytes >= options.getWriteQueueMaxSize();
    drainWanted |= full;
    return full;
  }

  /** Server-side close: a held poll gets CLOSE, a WebSocket is closed. */
  void close(String reason) {
    if (closed) {
      return;
    }
    if (polling != null) {
      polling.release(EnginePacket.CLOSE);
    }
    destroy(reason);
  }

  // ---- opening ----

  void startPolling(HttpServerResponse handshake) {
    polling = new PollingTransport(this);
    polling.hold(handshake);
    open(new JsonArray().add("websocket"));
  }

  void startWebSocket(WebSocketTransport transport) {
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
    if (closed) {
      return;
    }
    if (webSocket != null) {
      webSocket.send(packet);
      return;
    }
    outbox.add(packet);
    outboxBytes += packet.size();
    flushPolling();
  }

  private void flushPolling() {
    if (polling != null && !upgrading && !outbox.isEmpty() && polling.hasPendingGet()) {
      List<EnginePacket> batch = new ArrayList<>(outbox);
      outbox.clear();
      outboxBytes = 0;
      polling.respond(batch);
      maybeDrain();
    }
  }

  private void maybeDrain() {
    if (drainWanted && !writeQueueFull()) {
      drainWanted = false;
      drainHandler.handle(null);
    }
  }

  /** Sends a PING; true when it went out at once (not queued for a later poll or the upgrade). */
  private boolean sendPing() {
    send(EnginePacket.PING);
    return webSocket != null || outbox.isEmpty();
  }

  /**
   * Closes the session when its pong deadline has passed, even if the timer has not fired yet
   * (timers can run a little late; a request arriving just after the deadline must find the session
   * gone).
   */
  private boolean expired() {
    if (!closed && heartbeat.pastDeadline()) {
      close("ping timeout");
    }
    return closed;
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
    if (polling != null) {
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
    } else if (polling == null) {
      EngineIoError.BAD_REQUEST.respond(response); // upgraded, or a WebSocket session
    } else if (polling.hasPendingGet()) {
      EngineIoError.BAD_REQUEST.respond(response);
      close("transport error"); // the held poll gets CLOSE
    } else if (upgrading) {
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
    if (polling == null) {
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
      if (closed) {
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

  void onTransportClosed(String reason) {
    destroy(reason);
  }

  // ---- WebSocket and upgrade ----

  /** A WebSocket carrying this session's sid: the client wants to upgrade from polling. */
  void onProbeWebSocket(WebSocketTransport transport) {
    if (closed || polling == null || probe != null) {
      transport.close(); // already upgraded or upgrading: only one WebSocket per session
      return;
    }
    probe = transport;
    upgradeTimer = vertx.setTimer(options.getUpgradeTimeout(), t -> abortUpgrade());
  }

  void onWebSocketText(WebSocketTransport transport, String text) {
    if (expired() || (transport != webSocket && transport != probe)) {
      return;
    }
    EnginePacket packet;
    try {
      if (text.length() > options.getMaxPayload()) {
        throw new MalformedPacketException("message larger than maxPayload");
      }
      packet = EnginePacket.decodeText(text);
    } catch (MalformedPacketException e) {
      if (transport == probe) {
        abortUpgrade();
      } else {
        close("parse error");
      }
      return;
    }
    if (transport == probe) {
      onProbePacket(packet);
    } else {
      onPacket(packet);
    }
  }

  void onWebSocketBinary(WebSocketTransport transport, Buffer data) {
    if (expired()) {
      return;
    }
    if (transport == probe) {
      abortUpgrade();
    } else if (transport == webSocket) {
      if (data.length() > options.getMaxPayload()) {
        close("parse error");
      } else {
        onPacket(EnginePacket.binaryMessage(data));
      }
    }
  }

  void onWebSocketClosed(WebSocketTransport transport) {
    if (transport == webSocket) {
      destroy("transport close");
    } else if (transport == probe) {
      abortUpgrade();
    }
  }

  void onWebSocketDrain(WebSocketTransport transport) {
    if (transport == webSocket && !closed) {
      drainHandler.handle(null);
    }
  }

  private void onProbePacket(EnginePacket packet) {
    if (packet.type() == Type.PING && "probe".equals(packet.text())) {
      probe.send(EnginePacket.of(Type.PONG, "probe"));
      upgrading = true;
      polling.release(EnginePacket.NOOP); // lets the client pause polling and send UPGRADE
    } else if (packet.type() == Type.UPGRADE) {
      completeUpgrade();
    } else {
      abortUpgrade();
    }
  }

  private void completeUpgrade() {
    cancelTimer(upgradeTimer);
    upgradeTimer = -1;
    webSocket = probe;
    probe = null;
    upgrading = false;
    polling.release(EnginePacket.NOOP);
    polling = null;
    outboxBytes = 0;
    while (!outbox.isEmpty()) {
      webSocket.send(outbox.poll());
    }
    if (drainWanted) {
      drainWanted = false;
      if (!webSocket.writeQueueFull()) {
        drainHandler.handle(null);
      }
    }
  }

  private void abortUpgrade() {
    if (probe == null) {
      return;
    }
    cancelTimer(upgradeTimer);
    upgradeTimer = -1;
    probe.close();
    probe = null;
    upgrading = false;
    flushPolling();
  }

  // ---- closing ----

  private void destroy(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.stop();
    cancelTimer(upgradeTimer);
    outbox.clear();
    outboxBytes = 0;
    if (webSocket != null) {
      webSocket.close();
    }
    if (probe != null) {
      probe.close();
    }
    server.remove(this);
    closeHandler.handle(reason);
  }

  private void cancelTimer(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
