package io.llmgate.provider.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.testing.CutStream;
import io.llmgate.testing.Fuzz;
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

  @Test
  void howTheBytesAreCutChangesNothing() {
    Fuzz.forAll(CutStream.of(PIECES, 60, 90), cut -> assertThat(decode(cut)).isEqualTo(decode(cut.whole())));
  }

  /** Events as text (event, data, id) and the tail; a line over 64 bytes ends it as {@code tooLong}. */
  private static Outcome decode(CutStream cut) {
    List<String> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(e -> events.add(e.event() + "|" + e.data() + "|" + e.id()), 64);
    try {
      cut.feedTo(decoder::feed);
    } catch (IllegalStateException tooLong) {
      return new Outcome(List.of(), "", true); // events before the failure depend on the cut; the failure does not
    }
    FrameDecoder.Tail tail = decoder.end();
    return new Outcome(events, tail.unframed() + "|" + tail.discardedFrame(), false);
  }
}
