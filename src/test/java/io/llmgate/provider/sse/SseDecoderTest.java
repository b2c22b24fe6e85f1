package io.llmgate.provider.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.provider.Fixtures;
import io.llmgate.provider.frame.FrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseDecoderTest {

  /** What the sink saw of one event, copied while it could (the event's data is lent, not kept). */
  private record Seen(String event, String data, String id) {
    static Seen of(SseEvent event) {
      return new Seen(event.event(), event.data(), event.id());
    }
  }

  /** Decodes {@code bytes} fed as the given reads. */
  private static Decoded decode(byte[]... reads) {
    List<Seen> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(event -> events.add(Seen.of(event)));
    for (byte[] read : reads) {
      decoder.feed(read);
    }
    FrameDecoder.Tail tail = decoder.end();
    return new Decoded(events, tail, decoder);
  }

  private record Decoded(List<Seen> events, FrameDecoder.Tail tail, SseDecoder decoder) {
    List<String> data() {
      return events.stream().map(Seen::data).toList();
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r", "\r\n"})
  void everyLineEndingFramesTheSameEvents(String eol) {
    String stream = "event: delta" + eol + "data: {\"a\":" + eol + "data: 1}" + eol + eol + ": comment" + eol
        + "data: second" + eol + eol;
    Decoded decoded = decode(utf8(stream));
    assertThat(decoded.events()).containsExactly(new Seen("delta", "{\"a\":\n1}", ""), new Seen("", "second", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r", "\r\n"})
  void everySplitOffsetDecodesTheSame(String eol) {
    byte[] bytes = utf8("data: {\"t\":\"известни 😊 é\"}" + eol + eol + "data: [DONE]" + eol + eol);
    List<Seen> whole = decode(bytes).events();
    assertThat(whole).hasSize(2);
    assertThat(whole.get(0).data()).isEqualTo("{\"t\":\"известни 😊 é\"}");
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertThat(decode(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)).events())
          .as("split at byte %d", cut).isEqualTo(whole);
    }
  }

  @Test
  void aCrEndingOneReadAndAnLfStartingTheNextAreOneLineBreak() {
    assertThat(decode(utf8("data: a\r"), utf8("\ndata: b\r"), utf8("\n\r\n")).events())
        .containsExactly(new Seen("", "a\nb", ""));
  }

  @Test
  void everyRecordedFixtureDecodesTheSameAtEverySplitAndByteByByte() {
    for (String file : List.of("gemini/text.sse", "anthropic/thinking.sse", "openai-chat/text-with-usage.sse",
        "deepseek/synthetic/keepalive-then-stream.sse")) {
      byte[] bytes = Fixtures.bytes(file);
      List<Seen> whole = decode(bytes).events();
      assertThat(whole).as(file).isNotEmpty();
      for (int cut = 0; cut <= bytes.length; cut++) {
        assertThat(decode(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)).events())
            .as("%s split at %d", file, cut).isEqualTo(whole);
      }
      byte[][] single = new byte[bytes.length][];
      for (int i = 0; i < bytes.length; i++) {
        single[i] = new byte[] {bytes[i]};
      }
      assertThat(decode(single).events()).as(file + " byte by byte").isEqualTo(whole);
    }
  }

  @Test
  void aSliceOfALargerArrayDecodesLikeTheSameBytesAlone() {
    byte[] fixture = Fixtures.bytes("openai-chat/text-with-usage.sse");
    List<Seen> alone = decode(fixture).events();
    byte[] padded = new byte[fixture.length + 20];
    Arrays.fill(padded, (byte) '\n');
    System.arraycopy(fixture, 0, padded, 7, fixture.length);
    List<Seen> sliced = new java.util.ArrayList<>();
    SseDecoder decoder = new SseDecoder(event -> sliced.add(Seen.of(event)));
    int cut = fixture.length / 3;
    decoder.feed(padded, 7, cut);
    decoder.feed(padded, 7 + cut, fixture.length - cut);
    assertThat(sliced).isEqualTo(alone);
  }

  @Test
  void theLentDataIsTheUtf8OfTheJoinedLines() {
    List<byte[]> lent = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(event -> lent.add(
        Arrays.copyOfRange(event.dataArray(), event.dataOffset(), event.dataOffset() + event.dataLength())));
    decoder.feed(utf8("data: {\"t\":\"é 😊\"\ndata: }\n\ndata:\n\n"));
    assertThat(lent).containsExactly(utf8("{\"t\":\"é 😊\"\n}"), new byte[0]);
  }

  @Test
  void dataIsKeptWhenItsArrayIsReusedBeforeTheBlankLine() {
    List<Seen> events = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(event -> events.add(Seen.of(event)));
    byte[] network = new byte[64];
    int length = put(network, "data: first\ndata: sec");
    decoder.feed(network, 0, length);
    length = put(network, "ond\n\ndata: x\n\n");
    decoder.feed(network, 0, length);
    assertThat(events).containsExactly(new Seen("", "first\nsecond", ""), new Seen("", "x", ""));
  }

  @Test
  void dataPrefixAndEmptinessAreReadFromTheBytes() {
    List<Boolean> seen = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(event -> {
      seen.add(event.dataStartsWith("[DONE]"));
      seen.add(event.dataIsEmpty());
    });
    decoder.feed(utf8("data: [DONE]\n\ndata: [DON\n\nevent: ping\n\n"));
    assertThat(seen).containsExactly(true, false, false, false, false, true);
  }

  @Test
  void geminiCrlfFramingIsNotOneGiantEvent() {
    assertThat(decode(Fixtures.bytes("gemini/text.sse")).events()).hasSize(3);
  }

  @Test
  void theFourByteEmojiOfTheDeepSeekRecordingSurvivesEverySplitAroundIt() {
    byte[] bytes = Fixtures.bytes("deepseek/reasoner.sse");
    int emoji = indexOf(bytes, utf8("😊"));
    List<String> whole = decode(bytes).data();
    for (int cut = emoji - 1; cut <= emoji + 5; cut++) {
      assertThat(decode(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)).data())
          .as("split at %d", cut).isEqualTo(whole);
    }
    assertThat(String.join("", whole)).contains("😊");
  }

  @Test
  void multilineData() {
    assertThat(decode(Fixtures.bytes("sse-framing/synthetic/multiline-data.sse")).events())
        .containsExactly(new Seen("message", "{\"a\":\n1}", ""), new Seen("", "[DONE]", ""));
  }

  @Test
  void crOnlyAndMixedLineEndings() {
    assertThat(decode(Fixtures.bytes("sse-framing/synthetic/cr-only-line-endings.sse")).data())
        .containsExactly("{\"n\":1}", "{\"n\":2}");
    assertThat(decode(Fixtures.bytes("sse-framing/synthetic/mixed-line-endings.sse")).data())
        .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
  }

  @Test
  void commentsIdRetryAndUnknownFields() {
    Decoded decoded = decode(Fixtures.bytes("sse-framing/synthetic/comments-id-retry-unknown-fields.sse"));
    assertThat(decoded.events()).containsExactly(new Seen("", "{\"n\":1}", "42"));
    assertThat(decoded.decoder().reconnectionTime()).hasValue(3000);
    assertThat(decoded.tail().unframed()).isEqualTo("foo: ignored\n");
  }

  @Test
  void onlyOneLeadingSpaceIsStripped() {
    assertThat(decode(Fixtures.bytes("sse-framing/synthetic/no-space-after-colon.sse")).events())
        .containsExactly(new Seen("ping", "{\"n\":1}", ""), new Seen("", " {\"n\":2}", ""));
  }

  @Test
  void aBomAtTheStartIsStripped() {
    assertThat(decode(Fixtures.bytes("sse-framing/synthetic/bom-prefixed.sse")).data()).containsExactly("{\"n\":1}");
  }

  @Test
  void anEventWithoutDataIsDispatchedWithEmptyData() {
    assertThat(decode(Fixtures.bytes("sse-framing/synthetic/event-without-data.sse")).events())
        .containsExactly(new Seen("ping", "", ""), new Seen("", "{\"n\":1}", ""));
  }

  @Test
  void anUnterminatedLastEventIsDiscardedButReported() {
    Decoded decoded = decode(Fixtures.bytes("sse-framing/synthetic/no-trailing-blank-line.sse"));
    assertThat(decoded.data()).containsExactly("{\"n\":1}");
    assertThat(decoded.tail().discardedFrame()).isTrue();
    assertThat(decode(utf8("data: x\n\n")).tail().discardedFrame()).isFalse();
  }

  @Test
  void u2028InsideJsonIsNotALineBreak() {
    assertThat(decode(Fixtures.bytes("sse-framing/synthetic/u2028-inside-json.sse")).data())
        .containsExactly("{\"content\":\" \u2028\"}", "{\"content\":\"foo\"}");
  }

  @Test
  void keepsGeminisUnframedErrorTail() {
    Decoded decoded = decode(Fixtures.bytes("gemini/synthetic/midstream-error-tail-after-text.sse"));
    assertThat(decoded.events()).hasSize(2);
    assertThat(decoded.tail().unframed()).startsWith("{\n  \"error\": {\n").contains("\"status\": \"UNAVAILABLE\"");
  }

  @Test
  void refusesALineLongerThanTheLimit() {
    SseDecoder decoder = new SseDecoder(event -> { }, 16);
    assertThatThrownBy(() -> decoder.feed(utf8("data: " + "x".repeat(20))))
        .hasMessageContaining("over 16 bytes without a line break");
  }

  private static int put(byte[] array, String text) {
    byte[] bytes = utf8(text);
    System.arraycopy(bytes, 0, array, 0, bytes.length);
    return bytes.length;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
