package io.llmgate.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutgoingLogTest {

  /** A byte bound as a namespace's sessions keep it, without kept sessions to forget. */
  private static final class Budget implements OutgoingLog.Memory {
    private final long max;
    private long used;

    Budget(long max) {
      this.max = max;
    }

    @Override
    public boolean reserve(long bytes) {
      if (used + bytes > max) {
        return false;
      }
      used += bytes;
      return true;
    }

    @Override
    public void release(long bytes) {
      used -= bytes;
    }
  }

  private static OutgoingLog unbounded(int capacity) {
    return new OutgoingLog(capacity, new Budget(Long.MAX_VALUE));
  }

  /** Adds an event packet under the log's next offset; returns the offset. */
  private static String send(OutgoingLog log, List<EnginePacket> frames) {
    String offset = log.nextOffset();
    log.add(offset, frames);
    return offset;
  }

  private static List<EnginePacket> event(String text, Buffer... attachments) {
    List<EnginePacket> frames = new ArrayList<>();
    frames.add(EnginePacket.message(text));
    for (Buffer attachment : attachments) {
      frames.add(EnginePacket.binaryMessage(attachment));
    }
    return frames;
  }

  @Test
  void givesBackTheFramesOfEveryPacketAfterAnOffsetExactly() {
    OutgoingLog log = unbounded(100);
    List<List<EnginePacket>> sent = List.of(
        event("2[\"token\",\"plain\",\"0\"]"),
        event("2[\"token\",\"naïve \\\"quoted\\\" 😀 日本\",\"1\"]"),
        event("51-[\"file\",{\"_placeholder\":true,\"num\":0},\"2\"]", Buffer.buffer(new byte[] {0, 1, (byte) 0xff})),
        event("2[\"empty\",\"3\"]", Buffer.buffer(), Buffer.buffer("two")));
    List<String> offsets = sent.stream().map(frames -> send(log, frames)).toList();

    assertThat(log.after(offsets.get(0))).contains(flat(sent.subList(1, 4)));
    assertThat(log.after(offsets.get(2))).contains(flat(sent.subList(3, 4)));
    assertThat(log.after(offsets.get(3))).contains(List.of());
    assertThat(log.holds(offsets.get(1))).isTrue();
  }

  @Test
  void anOffsetItNeverGaveOutIsNotHeld() {
    OutgoingLog log = unbounded(10);
    send(log, event("2[\"a\",\"0\"]"));

    for (String offset : new String[] {"1", "-1", "x", "", "99999999999999999999"}) {
      assertThat(log.holds(offset)).as(offset).isFalse();
      assertThat(log.after(offset)).as(offset).isEmpty();
    }
  }

  @Test
  void keepsTheNewestPacketsAcrossChunksAndCompactions() {
    OutgoingLog log = unbounded(50);
    List<String> offsets = new ArrayList<>();
    List<List<EnginePacket>> sent = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      // sizes from a few bytes to past the largest chunk, so packets fill, compact and outgrow chunks
      List<EnginePacket> frames = event("2[\"t\",\"" + "x".repeat(i % 97 == 0 ? OutgoingLog.MAX_CHUNK_BYTES : i % 300) + "\"]");
      sent.add(frames);
      offsets.add(send(log, frames));

      int oldest = Math.max(0, i - 49);
      assertThat(log.holds(offsets.get(oldest))).isTrue();
      if (oldest > 0) {
        assertThat(log.holds(offsets.get(oldest - 1))).isFalse();
      }
      if (i % 37 == 0) {
        assertThat(log.after(offsets.get(oldest))).contains(flat(sent.subList(oldest + 1, i + 1)));
      }
    }
  }

  @Test
  void holdsAboutItsPacketsBytesAndAtMostTwoChunksMore() {
    OutgoingLog small = unbounded(1000);
    send(small, event("2[\"a\",\"0\"]"));
    assertThat(small.bytes()).isEqualTo(OutgoingLog.FIRST_CHUNK_BYTES);

    Budget budget = new Budget(Long.MAX_VALUE);
    OutgoingLog full = new OutgoingLog(1000, budget);
    String frame = "2[\"token\",{\"text\":\"" + "y".repeat(100) + "\"},\"123\"]";
    for (int i = 0; i < 5_000; i++) {
      send(full, event(frame));
    }
    long packets = 1000L * (OutgoingLog.PACKET_OVERHEAD + frame.length() + 1);
    assertThat(full.bytes()).isBetween(packets, packets + 2L * OutgoingLog.MAX_CHUNK_BYTES);
    assertThat(budget.used).isEqualTo(full.bytes());
  }

  @Test
  void trimmedItHoldsItsPacketsBytesExactlyAndStillTakesMore() {
    Budget budget = new Budget(Long.MAX_VALUE);
    OutgoingLog log = new OutgoingLog(30, budget);
    List<String> offsets = new ArrayList<>();
    List<List<EnginePacket>> sent = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sent.add(event("2[\"t\",\"" + "z".repeat(i) + "\"]"));
      offsets.add(send(log, sent.get(i)));
    }
    long packets = sent.subList(70, 100).stream()
        .mapToLong(frames -> OutgoingLog.PACKET_OVERHEAD + frames.get(0).encodeText().length()).sum();

    log.trim();

    assertThat(log.bytes()).isEqualTo(packets);
    assertThat(budget.used).isEqualTo(packets);
    assertThat(log.after(offsets.get(70))).contains(flat(sent.subList(71, 100)));
    sent.add(event("2[\"after\"]"));
    offsets.add(send(log, sent.get(100)));
    assertThat(log.after(offsets.get(71))).contains(flat(sent.subList(72, 101)));
    assertThat(log.holds(offsets.get(70))).isFalse();
  }

  @Test
  void logsSharingABoundStayWithinItAndEachKeepsItsNewestPacketsWithoutAHole() {
    Budget budget = new Budget(3L * OutgoingLog.MAX_CHUNK_BYTES);
    List<OutgoingLog> logs = List.of(new OutgoingLog(1000, budget), new OutgoingLog(1000, budget));
    List<List<String>> offsets = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<List<EnginePacket>>> sent = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < 4_000; i++) {
      int which = i % 2;
      List<EnginePacket> frames = event("2[\"token\",{\"text\":\"" + "w".repeat(i % 150) + "\"},\"" + i + "\"]");
      sent.get(which).add(frames);
      offsets.get(which).add(send(logs.get(which), frames));

      assertThat(budget.used).isLessThanOrEqualTo(budget.max).isEqualTo(logs.get(0).bytes() + logs.get(1).bytes());
    }

    for (int which = 0; which < 2; which++) {
      List<String> own = offsets.get(which);
      int oldest = own.size() - 1;
      while (oldest > 0 && logs.get(which).holds(own.get(oldest - 1))) {
        oldest--;
      }
      assertThat(oldest).as("the oldest packet log %d still holds", which).isBetween(1, own.size() - 20);
      assertThat(logs.get(which).after(own.get(oldest)))
          .contains(flat(sent.get(which).subList(oldest + 1, own.size())));
    }
  }

  @Test
  void refusedEvenAFirstChunkItHoldsNothingAndRecoversNobody() {
    Budget budget = new Budget(OutgoingLog.FIRST_CHUNK_BYTES - 1);
    OutgoingLog log = new OutgoingLog(10, budget);
    String offset = send(log, event("2[\"a\",\"0\"]"));

    assertThat(log.holds(offset)).isFalse();
    assertThat(log.bytes()).isZero();
    assertThat(budget.used).isZero();
  }

  @Test
  void clearedItGivesEveryByteBack() {
    Budget budget = new Budget(Long.MAX_VALUE);
    OutgoingLog log = new OutgoingLog(100, budget);
    String offset = null;
    for (int i = 0; i < 100; i++) {
      offset = send(log, event("2[\"t\",\"" + "c".repeat(i) + "\"]"));
    }

    log.clear();

    assertThat(budget.used).isZero();
    assertThat(log.holds(offset)).isFalse();
  }

  private static List<EnginePacket> flat(List<List<EnginePacket>> packets) {
    return packets.stream().flatMap(List::stream).toList();
  }
}
