package io.llmgate.transport.socketio;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A polling session's packets waiting for the client's next GET (or for an upgrade to finish), bounded for
 * backpressure by {@code writeQueueMaxSize}: a writer that found it full is told once it has room again.
 * Touched only on the session's context.
 */
final class PollingOutbox {
  private final ArrayDeque<EnginePacket> packets = new ArrayDeque<>();
  private final int maxBytes;
  private long bytes;
  private boolean drainWanted;

  PollingOutbox(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  void add(EnginePacket packet) {
    packets.add(packet);
    bytes += packet.size();
  }

  boolean isEmpty() {
    return packets.isEmpty();
  }

  /** Whether a writer should wait; if so, {@link #drained} tells when it may go on. */
  boolean full() {
    boolean full = bytes >= maxBytes;
    drainWanted |= full;
    return full;
  }

  /** Everything waiting, in order, leaving the outbox empty. */
  List<EnginePacket> takeAll() {
    List<EnginePacket> all = List.copyOf(packets);
    packets.clear();
    bytes = 0;
    return all;
  }

  /** Whether a writer that found the outbox full is waiting (true once per wait; the wait ends here). */
  boolean takeDrainWanted() {
    boolean wanted = drainWanted;
    drainWanted = false;
    return wanted;
  }

  /** Whether a waiting writer may go on now (true once per wait). */
  boolean drained() {
    return drainWanted && bytes < maxBytes && takeDrainWanted();
  }

  void clear() {
    packets.clear();
    bytes = 0;
  }
}
