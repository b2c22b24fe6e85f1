package io.llmgate.provider.ndjson;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.testing.CutStream;
import io.llmgate.testing.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JSON-lines decoder on hostile upstream bytes: JSON pieces, line ends of every kind, blank lines,
 * multi-byte and invalid UTF-8, lines around the limit, cut into reads anywhere. It yields exactly the
 * lines a plain split on LF gives (a CR before the LF dropped, blank ones skipped, the last one without
 * its LF in the tail), however the bytes are cut; the only failure is a line over the limit. Fixed seeds.
 */
class JsonLinesDecoderPropertiesTest {
  private static final int MAX_LINE = 64;
  private static final String[] PIECES = {
    "{\"a\":1}", "{\"message\":{\"content\":\"x\"},\"done\":false}", "\n", "\r", "\r\n", "\n\n", " ", "\t",
    "€", "😀", "\u0000", "\"", "\\", "{", "}",
  };

  private record Outcome(List<String> lines, FrameDecoder.Tail tail, boolean tooLong) {}

  @Test
  void decodesWhatASplitOnLineFeedsGivesHoweverTheBytesAreCut() {
    Fuzz.forAll(CutStream.of(PIECES, 55, 70), cut -> assertThat(decode(cut)).isEqualTo(model(cut.stream())));
  }

  /** Lines as ISO-8859-1 text (one char a byte, so invalid UTF-8 compares exactly) and the tail. */
  private static Outcome decode(CutStream cut) {
    List<String> lines = new ArrayList<>();
    JsonLinesDecoder decoder = new JsonLinesDecoder(line -> lines.add(
        new String(line.dataArray(), line.dataOffset(), line.dataLength(), StandardCharsets.ISO_8859_1)), MAX_LINE);
    try {
      cut.feedTo(decoder::feed);
    } catch (IllegalStateException tooLong) {
      return new Outcome(List.of(), null, true); // lines before the failure depend on the cut; the failure does not
    }
    return new Outcome(lines, decoder.end(), false);
  }

  /** What the decoder must give, from the whole body at once by the rules of JSON lines. */
  private static Outcome model(byte[] stream) {
    String text = new String(stream, StandardCharsets.ISO_8859_1);
    List<String> parts = Arrays.asList(text.split("\n", -1));
    if (parts.stream().anyMatch(part -> part.length() > MAX_LINE)) {
      return new Outcome(List.of(), null, true);
    }
    List<String> lines = parts.subList(0, parts.size() - 1).stream()
        .map(line -> line.endsWith("\r") ? line.substring(0, line.length() - 1) : line)
        .filter(line -> !blank(line)).toList();
    String last = parts.get(parts.size() - 1);
    FrameDecoder.Tail tail = blank(last) ? new FrameDecoder.Tail("", false)
        : new FrameDecoder.Tail(new String(last.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8), true);
    return new Outcome(lines, tail, false);
  }

  /** JSON's whitespace only (a CR of a CRLF is gone already; a lone one is whitespace too). */
  private static boolean blank(String line) {
    return line.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r');
  }
}
