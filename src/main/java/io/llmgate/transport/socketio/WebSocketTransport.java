package io.llmgate.transport.socketio;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;

/**
 * One WebSocket of a session: one Engine.IO packet per frame, binary messages as raw binary frames.
 *
 * <p>Like the reference engine.io server, a packet is written only once the previous write has
 * completed; packets produced meanwhile wait here and go out together, a moment later. This keeps
 * at most one batch in the socket's buffer, and keeps Vert.x from flushing a reply together with
 * the packets that follow it (CONNECT, then the first event) in one TCP segment: clients that
 * handle all frames of one read in one go (ws before 8.14, used by the official test suite) would
 * miss the second.
 *
 * <p>Vert.x calls the handlers on the WebSocket's own context, so each event hops to the session's.
 */
final class WebSocketTransport {

  /**
   * Pause before a batch that waited for a write: long enough for the peer to read the previous
   * write on its own, short enough not to matter for a token stream.
   */
  private static final long BATCH_DELAY_MS = 5;

  private final ServerWebSocket webSocket;
  private final EngineIoSession session;
  private final Vertx vertx;
  private final int queueMaxSize;
  private final ArrayDeque<EnginePacket> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean writing; // a write is in flight
  private boolean drainWanted;

  WebSocketTransport(ServerWebSocket webSocket, EngineIoSession session, Vertx vertx, int queueMaxSize) {
    this.webSocket = webSocket;
    this.session = session;
    this.vertx = vertx;
    this.queueMaxSize = queueMaxSize;
    webSocket.textMessageHandler(
        text -> session.execute(() -> session.onWebSocketText(this, text)));
    webSocket.binaryMessageHandler(
        data -> session.execute(() -> session.onWebSocketBinary(this, data)));
    webSocket.closeHandler(v -> session.execute(() -> session.onWebSocketClosed(this)));
    webSocket.drainHandler(v -> session.execute(this::maybeDrain));
    // Failures end in a close, which closeHandler reports; nothing else to do.
    webSocket.exceptionHandler(err -> {});
  }

  /** Called on the session's context. */
  void send(EnginePacket packet) {
    if (writing) {
      queue.add(packet);
      queuedBytes += packet.size();
    } else {
      writeGated(packet);
    }
  }

  private void writeGated(EnginePacket packet) {
    writing = true;
    write(packet).onComplete(ar -> session.execute(this::onWritten));
  }

  private Future<Void> write(EnginePacket packet) {
    return packet.isBinary()
        ? webSocket.writeBinaryMessage(packet.binary())
        : webSocket.writeTextMessage(packet.encodeText());
  }

  private void onWritten() {
    if (queue.isEmpty()) {
      writing = false;
      maybeDrain();
    } else {
      // Still "writing": what is produced meanwhile joins this batch.
      vertx.setTimer(BATCH_DELAY_MS, t -> writeBatch());
    }
  }

  private void writeBatch() {
    while (queue.size() > 1) {
      write(queue.poll());
    }
    queuedBytes = 0;
    writeGated(queue.poll());
  }

  /** Whether the client is not keeping up: packets wait here or in the socket's own queue. */
  boolean writeQueueFull() {
    boolean full = queuedBytes >= queueMaxSize || webSocket.writeQueueFull();
    drainWanted |= full;
    return full;
  }

  private void maybeDrain() {
    if (drainWanted && queue.isEmpty() && !webSocket.writeQueueFull()) {
      drainWanted = false;
      session.onWebSocketDrain(this);
    }
  }

  void close() {
    if (!webSocket.isClosed()) {
      webSocket.close();
    }
  }
}
