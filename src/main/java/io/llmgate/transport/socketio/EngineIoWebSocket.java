package io.llmgate.transport.socketio;

import io.llmgate.transport.StrictTextMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One WebSocket of a session: one Engine.IO packet per frame, binary messages as raw binary frames.
 *
 * <p>By default ({@link SocketIoOptions#getWriteCoalescingDelay()} 0) a packet is written at once, and
 * the connection's flush consolidation (the gateway's) sends what one event-loop turn wrote in one
 * syscall: a stream's start event and first token, read from one upstream read, leave together.
 * Backpressure is the WebSocket's own write queue ({@link #writeQueueFull()}). Gating each write on the
 * completion of the one before, as the reference engine.io server does, cost a consolidated connection a
 * whole turn of its event loop per packet: the completion comes from the deferred flush, and the next
 * write's flush is deferred again, behind every task queued meanwhile; in a burst of 1,000 Socket.IO
 * streams that put the first token 98-120 ms behind the upstream's writing it (SSE: 45 ms).
 *
 * <p>A positive delay makes it Nagle-like instead: a packet is written only once the previous write has
 * completed, and the batch produced meanwhile waits that long after that, unless it already holds half of
 * {@code writeQueueMaxSize} (bulk streams don't wait). The delay only exists for the official conformance
 * suite, whose ws client emits every frame of one TCP read at once while the test listens for one
 * message at a time, so it misses the second: a gated, delayed batch keeps a reply and the packet after
 * it (CONNECT, then the first event) out of one read.
 *
 * <p>Vert.x calls the handlers on the WebSocket's own context, so each event hops to the session's, where
 * its {@link Listener} hears it.
 */
final class EngineIoWebSocket {
  /** What the WebSocket tells the session it carries (or probes for), on the session's context. */
  interface Listener {
    void onWebSocketText(EngineIoWebSocket transport, String text);

    void onWebSocketBinary(EngineIoWebSocket transport, Buffer data);

    void onWebSocketClosed(EngineIoWebSocket transport);

    /** The queue that was full has room again. */
    void onWebSocketDrain(EngineIoWebSocket transport);
  }

  private final ServerWebSocket webSocket;
  private final Consumer<Runnable> onSessionContext;
  private final Listener listener;
  private final Vertx vertx;
  private final int queueMaxSize;
  private final long coalescingDelay; // ms; 0: no timer
  private final ArrayDeque<EnginePacket> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean writing; // a write is in flight, or a batch waits for its delay
  private long batchTimer = -1;
  private boolean drainWanted;

  // For tests, read on the session's context like everything else.
  private int batchesWritten;
  private int batchTimersSet;

  /** {@code onSessionContext} runs a task on the session's context, where {@code listener} is called. */
  EngineIoWebSocket(ServerWebSocket webSocket, Consumer<Runnable> onSessionContext, Listener listener, Vertx vertx,
      SocketIoOptions options) {
    this.webSocket = webSocket;
    this.onSessionContext = onSessionContext;
    this.listener = listener;
    this.vertx = vertx;
    this.queueMaxSize = options.getWriteQueueMaxSize();
    this.coalescingDelay = options.getWriteCoalescingDelay();
    StrictTextMessages.install(
        webSocket, text -> onSessionContext.accept(() -> listener.onWebSocketText(this, text)));
    webSocket.binaryMessageHandler(
        data -> onSessionContext.accept(() -> listener.onWebSocketBinary(this, data)));
    webSocket.closeHandler(v -> onSessionContext.accept(() -> listener.onWebSocketClosed(this)));
    webSocket.drainHandler(v -> onSessionContext.accept(this::maybeDrain));
    // Failures end in a close, which closeHandler reports; nothing else to do.
    webSocket.exceptionHandler(err -> {});
  }

  /** Called on the session's context. */
  void send(EnginePacket packet) {
    if (coalescingDelay == 0) {
      write(packet);
      return;
    }
    if (!writing) {
      writeGated(packet);
      return;
    }
    queue.add(packet);
    queuedBytes += packet.size();
    // The size trigger only cuts a coalescing delay short; it never bypasses the write gate (a
    // batch waiting for an in-flight write goes out when that write completes, whatever its size;
    // writeQueueFull() tells the producer to stop meanwhile).
    if (batchTimer >= 0 && queuedBytes >= batchSize()) {
      vertx.cancelTimer(batchTimer);
      writeBatch();
    }
  }

  private void writeGated(EnginePacket packet) {
    writing = true;
    write(packet).onComplete(ar -> onSessionContext.accept(this::onWritten));
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
    } else if (queuedBytes >= batchSize()) {
      writeBatch();
    } else {
      // Still "writing": what is produced meanwhile joins this batch.
      batchTimersSet++;
      batchTimer = vertx.setTimer(coalescingDelay, t -> writeBatch());
    }
  }

  /** A batch this large goes out without waiting for the coalescing delay. */
  private int batchSize() {
    return queueMaxSize / 2;
  }

  private void writeBatch() {
    batchTimer = -1;
    batchesWritten++;
    while (queue.size() > 1) {
      write(queue.poll());
    }
    queuedBytes = 0;
    writeGated(queue.poll());
    maybeDrain();
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
      listener.onWebSocketDrain(this);
    }
  }

  /** Batches written so far: packets that had to wait for a previous write (for tests). */
  int batchesWritten() {
    return batchesWritten;
  }

  /** Timers set so far for the coalescing delay (for tests). */
  int batchTimersSet() {
    return batchTimersSet;
  }

  void close() {
    if (batchTimer >= 0) {
      vertx.cancelTimer(batchTimer);
      batchTimer = -1;
    }
    if (!webSocket.isClosed()) {
      // What waits for the in-flight write (a DISCONNECT right after the last token, say) still
      // goes out, ahead of the close frame: engine.io, too, flushes its buffer before closing.
      while (!queue.isEmpty()) {
        write(queue.poll());
      }
      webSocket.close();
    }
    queue.clear();
    queuedBytes = 0;
  }
}
