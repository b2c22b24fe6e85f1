package io.llmgate.provider.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import io.llmgate.testing.Fuzz;
import io.llmgate.testing.Gen;
import org.junit.jupiter.api.Test;

/**
 * The SSE decoder on hostile upstream bytes: SSE pieces, line endings of every kind, multi-byte and
 * invalid UTF-8, in any order, cut into chunks anywhere. However the bytes are cut, the decoder yields the
 * same events and the same tail, and the only failure is a line over the limit. Fixed seeds.
 */
class SseDecoderPropertiesTest {
  private static final String[] PIECES = {
    "data:", "data: ", "event: ", "id: ", "retry: ", "retry: 12x", ": comment", "x", "{\"a\":1}", "[DONE]",
    "\n", "\r", "\r\n", "\n\n", "€", "😀", "\u0000", " ", ":", "data", "id\u0000: ",
  };

  private record Outcome(List<String> events, String tail, boolean tooLong) {}

  private record CutStream(byte[] stream, List<Integer> cuts) {}

  @Test
  void howTheBytesAreCutChangesNothing() {
    Gen<List<Integer>> cuts = Gen.ints(0, 10_000).list(0, 20);
    Fuzz.forAll(random -> new CutStream(streams().next(random), cuts.next(random)),
        cut -> assertThat(decode(cut.stream(), cut.cuts())).isEqualTo(decode(cut.stream(), List.of())));
  }

  private static Gen<byte[]> streams() {
    Gen<byte[]> piece = Gen.oneOf(
        Gen.of(PIECES).map(p -> p.getBytes(StandardCharsets.UTF_8)),
        Gen.bytes(4), // invalid UTF-8 among them
        Gen.ints(60, 90).map(n -> "a".repeat(n).getBytes(StandardCharsets.US_ASCII))); // around the line limit
    return piece.list(0, 60).map(SseDecoderPropertiesTest::concat);
  }

  /** Events as text (event, data, id) and the tail; a line over 64 bytes ends it as {@code tooLong}. */
  private static Outcome decode(byte[] stream, List<Integer> cuts) {
    List<String> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(e -> events.add(e.event() + "|" + e.data() + "|" + e.id()), 64);
    List<Integer> at = cuts.stream().map(c -> c % (stream.length + 1)).sorted().distinct().toList();
    int from = 0;
    try {
      for (int to : at) {
        decoder.feed(stream, from, to - from);
        from = to;
      }
      decoder.feed(stream, from, stream.length - from);
    } catch (IllegalStateException tooLong) {
      return new Outcome(List.of(), "", true); // events before the failure depend on the cut; the failure does not
    }
    SseDecoder.Tail tail = decoder.end();
    return new Outcome(events, tail.unframed() + "|" + tail.discardedEvent(), false);
  }

  private static byte[] concat(List<byte[]> pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pieces.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
