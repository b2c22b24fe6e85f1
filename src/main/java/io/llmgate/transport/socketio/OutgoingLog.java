package io.llmgate.transport.socketio;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>Packets are packed back to back into byte chunks: offset, text frame in UTF-8, binary attachments.
 * Kept as objects, a token packet cost five of them (record, offset string, list, packet, frame string;
 * jmap: ~387 bytes for a ~142-byte frame), all surviving into the old generation for the recovery window,
 * where 780,100 of them made every full collection trace them. Packed, it costs its frame's bytes and
 * {@link #PACKET_OVERHEAD}, and a chunk is one array the collector does not look into. Chunks start small
 * (most sockets send a few packets) and double up to {@link #MAX_CHUNK_BYTES}, so a log wastes at most
 * one chunk's free tail and the dropped head of its first.
 *
 * <p>Every chunk is charged to the {@link Memory} that all logs of a namespace share, live sockets' and
 * kept ones' alike, so their packets together stay within one byte bound: a thousand packets of a long
 * answer cost a connected socket ~160 KB, and a node with many connected sockets would otherwise hold
 * them all whatever the bound for dropped ones said. Refused a chunk, a log drops its own oldest packets
 * first; a log never skips a packet while keeping later ones, which would replay a recovery with a hole.
 */
final class OutgoingLog {
  /** The byte bound logs share; called under a log's lock, so it never takes the lock of a live log. */
  interface Memory {
    /** Whether {@code bytes} more may be held: true once they are counted. */
    boolean reserve(long bytes);

    void release(long bytes);
  }

  /** What a kept packet costs besides its frames' bytes: its offset and the lengths that frame it. */
  static final int PACKET_OVERHEAD = Long.BYTES + 2 * Integer.BYTES;
  static final int FIRST_CHUNK_BYTES = 256;
  static final int MAX_CHUNK_BYTES = 8192;

  /** Written from position 0 to {@code position()}; the first chunk's packets start at {@link #head}. */
  private final Deque<ByteBuffer> chunks = new ArrayDeque<>();
  private final AtomicLong nextOffset = new AtomicLong();
  private final int capacity;
  private final Memory memory;
  private int head;
  private int count;
  private long bytes;

  OutgoingLog(int capacity, Memory memory) {
    this.capacity = capacity;
    this.memory = memory;
  }

  /** A fresh offset, unique within this log's sequence; from any thread (packets are encoded there). */
  String nextOffset() {
    return Long.toString(nextOffset.getAndIncrement());
  }

  /** Keeps a packet that went out, in sending order: its first frame text, any others binary. */
  synchronized void add(String offset, List<EnginePacket> frames) {
    byte[] text = frames.get(0).encodeText().getBytes(StandardCharsets.UTF_8);
    int size = PACKET_OVERHEAD + text.length;
    for (int i = 1; i < frames.size(); i++) {
      size += Integer.BYTES + frames.get(i).binary().length();
    }
    if (count == capacity) {
      dropOldest();
    }
    ByteBuffer chunk = room(size);
    while (chunk == null && !chunks.isEmpty()) {
      dropFirstChunk();
      chunk = room(size);
    }
    if (chunk == null) {
      return; // nothing older is kept either, so a client that missed this packet is not recovered
    }
    chunk.putLong(Long.parseLong(offset)).putInt(text.length).put(text).putInt(frames.size() - 1);
    for (int i = 1; i < frames.size(); i++) {
      Buffer attachment = frames.get(i).binary();
      chunk.putInt(attachment.length()).put(attachment.getBytes());
    }
    count++;
  }

  /**
   * A chunk with {@code size} bytes free at its end: the last one, compacted if it is the only one, or a
   * new one; null when the memory has no room for a new one.
   */
  private ByteBuffer room(int size) {
    ByteBuffer last = chunks.peekLast();
    if (last != null && last.remaining() >= size) {
      return last;
    }
    if (last != null && chunks.size() == 1 && head + last.remaining() >= size && head >= last.position() / 2) {
      last.limit(last.position()).position(head);
      last.compact();
      head = 0;
      return last;
    }
    int capacity = last == null ? FIRST_CHUNK_BYTES : Math.min(last.capacity() * 2, MAX_CHUNK_BYTES);
    int chunkBytes = Math.max(capacity, size);
    if (!memory.reserve(chunkBytes)) {
      return null;
    }
    ByteBuffer chunk = ByteBuffer.allocate(chunkBytes);
    chunks.addLast(chunk);
    bytes += chunkBytes;
    return chunk;
  }

  /**
   * Gives back the free tail of the last chunk and the dropped head of the first: for a log that is kept
   * after its socket dropped, which no packet is added to until it is restored.
   */
  synchronized void trim() {
    ByteBuffer last = chunks.pollLast();
    if (last == null) {
      return;
    }
    int from = chunks.isEmpty() ? head : 0;
    chunks.addLast(last.hasRemaining() || from > 0 ? exact(last, from) : last);
    if (head > 0 && from == 0) {
      chunks.addFirst(exact(chunks.removeFirst(), head));
    }
    head = 0;
  }

  /** A copy of {@code chunk}'s packets from {@code from}, in a chunk that has no room to spare. */
  private ByteBuffer exact(ByteBuffer chunk, int from) {
    ByteBuffer copy = ByteBuffer.allocate(chunk.position() - from).put(chunk.array(), from, chunk.position() - from);
    free(chunk.capacity() - copy.capacity());
    return copy;
  }

  /** Forgets every packet and gives their bytes back: for a socket that closed for good. */
  synchronized void clear() {
    free(bytes);
    chunks.clear();
    head = 0;
    count = 0;
  }

  private void free(long chunkBytes) {
    bytes -= chunkBytes;
    memory.release(chunkBytes);
  }

  private void dropFirstChunk() {
    ByteBuffer first = chunks.removeFirst();
    for (int at = head; at < first.position(); at = skip(first, at)) {
      count--;
    }
    head = 0;
    free(first.capacity());
  }

  private void dropOldest() {
    ByteBuffer first = chunks.getFirst();
    head = skip(first, head);
    count--;
    if (head == first.position()) {
      head = 0;
      if (chunks.size() > 1) {
        free(chunks.removeFirst().capacity());
      } else {
        first.clear();
      }
    }
  }

  /** Where the packet after the one at {@code at} starts. */
  private static int skip(ByteBuffer chunk, int at) {
    int end = at + Long.BYTES;
    end += Integer.BYTES + chunk.getInt(end);
    int attachments = chunk.getInt(end);
    end += Integer.BYTES;
    for (int i = 0; i < attachments; i++) {
      end += Integer.BYTES + chunk.getInt(end);
    }
    return end;
  }

  /** About what the kept packets hold on the heap, in bytes. */
  synchronized long bytes() {
    return bytes;
  }

  synchronized boolean holds(String offset) {
    return scan(offset, null);
  }

  /** The frames of every packet after {@code offset}, in order; empty when the log no longer holds it. */
  synchronized Optional<List<EnginePacket>> after(String offset) {
    List<EnginePacket> missed = new ArrayList<>();
    return scan(offset, missed) ? Optional.of(missed) : Optional.empty();
  }

  /** Whether the log holds {@code offset}; decodes the packets after it into {@code missed} unless null. */
  private boolean scan(String offset, List<EnginePacket> missed) {
    long wanted;
    try {
      wanted = Long.parseLong(offset);
    } catch (NumberFormatException e) {
      return false; // a client's word, not one this log gave out
    }
    boolean found = false;
    int at = head;
    for (ByteBuffer chunk : chunks) {
      for (; at < chunk.position(); at = skip(chunk, at)) {
        if (!found) {
          found = chunk.getLong(at) == wanted;
        } else if (missed != null) {
          addFrames(chunk, at, missed);
        } else {
          return true;
        }
      }
      at = 0;
    }
    return found;
  }

  private static void addFrames(ByteBuffer chunk, int at, List<EnginePacket> out) {
    int position = at + Long.BYTES;
    int length = chunk.getInt(position);
    position += Integer.BYTES;
    out.add(EnginePacket.encodedMessage(new String(chunk.array(), position, length, StandardCharsets.UTF_8)));
    position += length;
    int attachments = chunk.getInt(position);
    position += Integer.BYTES;
    for (int i = 0; i < attachments; i++) {
      length = chunk.getInt(position);
      position += Integer.BYTES;
      out.add(EnginePacket.binaryMessage(Buffer.buffer().appendBytes(chunk.array(), position, length)));
      position += length;
    }
  }
}
