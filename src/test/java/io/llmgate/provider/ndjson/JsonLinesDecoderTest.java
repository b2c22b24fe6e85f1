package io.llmgate.provider.ndjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.provider.Fixtures;
import io.llmgate.provider.frame.FrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesDecoderTest {

  private record Decoded(List<String> lines, List<Boolean> utf8, FrameDecoder.Tail tail) {}

  /** Fed in reads of {@code readSize} bytes (the whole body at once when it is 0). */
  private static Decoded decode(byte[] body, int readSize) {
    List<String> lines = new ArrayList<>();
    List<Boolean> utf8 = new ArrayList<>();
    JsonLinesDecoder decoder = new JsonLinesDecoder(line -> {
      lines.add(line.data());
      utf8.add(line.dataIsUtf8());
    }, 64);
    int step = readSize == 0 ? Math.max(1, body.length) : readSize;
    for (int from = 0; from < body.length; from += step) {
      decoder.feed(body, from, Math.min(step, body.length - from));
    }
    return new Decoded(lines, utf8, decoder.end());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void eachLineIsOneFrameWhateverItsLineEndAndBlankLinesAreSkipped() {
    for (int readSize : new int[] {0, 1, 2, 5}) {
      Decoded decoded = decode(utf8("{\"a\":1}\n{\"b\":2}\r\n\n \t\r\n{\"c\":3}\n"), readSize);
      assertThat(decoded.lines()).as("reads of %d", readSize).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
      assertThat(decoded.tail()).isEqualTo(new FrameDecoder.Tail("", false));
    }
  }

  @Test
  void aLoneCrIsNoLineBreak() {
    assertThat(decode(utf8("{\"a\":\r1}\n"), 0).lines()).containsExactly("{\"a\":\r1}");
  }

  @Test
  void aLastLineWithoutItsBreakIsReportedNotDispatched() {
    Decoded decoded = decode(utf8("{\"a\":1}\n{\"b\":"), 3);
    assertThat(decoded.lines()).containsExactly("{\"a\":1}");
    assertThat(decoded.tail()).isEqualTo(new FrameDecoder.Tail("{\"b\":", true));
    assertThat(decode(utf8("{\"a\":1}\n  "), 0).tail()).as("only whitespace left").isEqualTo(new FrameDecoder.Tail("", false));
  }

  @Test
  void aCharacterCutBetweenReadsSurvivesAndInvalidUtf8IsSaidSo() {
    Decoded split = decode(utf8("{\"t\":\"😀€\"}\n"), 1);
    assertThat(split.lines()).containsExactly("{\"t\":\"😀€\"}");
    assertThat(split.utf8()).containsExactly(true);
    Decoded invalid = decode(new byte[] {'"', (byte) 0xC3, '"', '\n'}, 0);
    assertThat(invalid.utf8()).containsExactly(false);
  }

  @Test
  void aLineOverTheLimitFailsWhereverItIsCut() {
    byte[] body = utf8("{\"a\":\"" + "x".repeat(60) + "\"}\n");
    for (int readSize : new int[] {0, 1, 7}) {
      assertThatThrownBy(() -> decode(body, readSize)).isInstanceOf(IllegalStateException.class)
          .hasMessage("JSON line: over 64 bytes without a line break (expected: at most 64)");
    }
    assertThatThrownBy(() -> decode(utf8("x".repeat(65)), 0)).as("a last line without its break counts too")
        .isInstanceOf(IllegalStateException.class);
  }

  /** Ollama's native /api/chat stream (a synthetic fixture, see fixtures/upstream/README.md): one frame a line. */
  @Test
  void ollamasChatStreamIsOneFrameALine() {
    byte[] body = Fixtures.bytes("ollama/synthetic/chat-stream.ndjson");
    List<String> lines = new ArrayList<>();
    JsonLinesDecoder decoder = new JsonLinesDecoder(line -> lines.add(line.data()));
    decoder.feed(body, 0, body.length);
    assertThat(lines).isEqualTo(new String(body, StandardCharsets.UTF_8).lines().toList()).hasSize(10);
    assertThat(decoder.end().discardedFrame()).isFalse();
  }
}
