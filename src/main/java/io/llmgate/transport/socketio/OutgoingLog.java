package io.llmgate.transport.socketio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest event packets one socket sent, each under the offset that ends its arguments, for
 * connection state recovery: after a dropped transport the client names the offset of the last packet it
 * got, and whatever the log holds after it is what the drop lost on the way. Bounded to {@code capacity}
 * packets; it outlives the socket in its persisted session and passes on to the recovered socket, whose
 * offsets continue the same sequence. Added to on the socket's context only; read on the context of the
 * connection that recovers it, after the socket it belonged to closed.
 */
final class OutgoingLog {
  private record Sent(String offset, List<EnginePacket> frames) {}

  private final Deque<Sent> sent = new ArrayDeque<>();
  private final AtomicLong nextOffset = new AtomicLong();
  private final int capacity;

  OutgoingLog(int capacity) {
    this.capacity = capacity;
  }

  /** A fresh offset, unique within this log's sequence; from any thread (packets are encoded there). */
  String nextOffset() {
    return Long.toString(nextOffset.getAndIncrement());
  }

  /** Keeps a packet that went out, in sending order. */
  synchronized void add(String offset, List<EnginePacket> frames) {
    sent.addLast(new Sent(offset, frames));
    if (sent.size() > capacity) {
      sent.removeFirst();
    }
  }

  synchronized boolean holds(String offset) {
    return sent.stream().anyMatch(packet -> packet.offset().equals(offset));
  }

  /** The frames of every packet after {@code offset}, in order; empty when the log no longer holds it. */
  synchronized Optional<List<EnginePacket>> after(String offset) {
    List<EnginePacket> missed = new ArrayList<>();
    boolean found = false;
    for (Sent packet : sent) {
      if (found) {
        missed.addAll(packet.frames());
      } else {
        found = packet.offset().equals(offset);
      }
    }
    return found ? Optional.of(missed) : Optional.empty();
  }
}
