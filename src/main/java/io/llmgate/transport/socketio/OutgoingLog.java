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
  /**
   * What a kept packet costs on the heap besides its frames' bytes: the record, its offset string, the
   * list, the packet and its frame's string (jmap: 211,001 kept token packets, frames of ~142 bytes, held
   * 82 MB, ~387 bytes each).
   */
  static final int PACKET_OVERHEAD = 240;

  private record Sent(String offset, List<EnginePacket> frames, int bytes) {}

  private final Deque<Sent> sent = new ArrayDeque<>();
  private final AtomicLong nextOffset = new AtomicLong();
  private final int capacity;
  private long bytes;

  OutgoingLog(int capacity) {
    this.capacity = capacity;
  }

  /** A fresh offset, unique within this log's sequence; from any thread (packets are encoded there). */
  String nextOffset() {
    return Long.toString(nextOffset.getAndIncrement());
  }

  /** Keeps a packet that went out, in sending order. */
  synchronized void add(String offset, List<EnginePacket> frames) {
    int size = PACKET_OVERHEAD;
    for (EnginePacket frame : frames) {
      size += frame.size();
    }
    sent.addLast(new Sent(offset, frames, size));
    bytes += size;
    if (sent.size() > capacity) {
      bytes -= sent.removeFirst().bytes();
    }
  }

  /** About what the kept packets hold on the heap, in bytes. */
  synchronized long bytes() {
    return bytes;
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
