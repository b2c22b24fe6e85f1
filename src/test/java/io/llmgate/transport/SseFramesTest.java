package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.stream.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SseFramesTest {
  /** Tokens that stress escaping, line splitting and UTF-8; shared with the other frame equality tests. */
  public static final List<String> TOKENS = List.of("Hello", "", " \"quoted\" ", "back\\slash\\", "line\nbreak\r\t",
      "\r\n", "end\n", "\n\n\r\r", "\u0000\u0001\u001f\u007f control", "é ü ß 中文 известни", "😊👍🏽 emoji",
      "\u2028\u2029", "\ud83d lone surrogate", "\ud83dé", "\ud83d\ud83d\ude0a", "\ude0a\ud83d", "trailing \ud83d",
      "</script>", "data: x\n\nevent: y", "x".repeat(5000), "é😊\n".repeat(2000));

  private static String frame(String event, OptionalLong id, String data) {
    return SseFrames.appendEvent(new StringBuilder(), event, id, json -> json.append(data)).toString();
  }

  @Test
  void eventWithIdAndData() {
    assertThat(frame("llm:stream:token", OptionalLong.of(7), "{\"token\":\"a\"}"))
        .isEqualTo("event: llm:stream:token\nid: 7\ndata: {\"token\":\"a\"}\n\n");
  }

  @Test
  void dataOnlyFrameAsOpenAiSendsIt() {
    assertThat(frame("", OptionalLong.empty(), "[DONE]")).isEqualTo("data: [DONE]\n\n");
  }

  @Test
  void everyKindOfLineBreakInDataStartsANewDataLine() {
    assertThat(frame("", OptionalLong.empty(), "a\nb\r\nc\rd")).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
    assertThat(frame("", OptionalLong.empty(), "end\n")).isEqualTo("data: end\ndata: \n\n");
    assertThat(frame("", OptionalLong.empty(), "")).isEqualTo("data: \n\n");
  }

  @Test
  void aFrameIsAppendedAfterWhatTheBuilderHolds() {
    StringBuilder out = new StringBuilder("<");
    SseFrames.appendEvent(out, "e", OptionalLong.empty(), json -> json.append("a\nb"));
    assertThat(out.toString()).isEqualTo("<event: e\ndata: a\ndata: b\n\n");
  }

  @Test
  void everyDataIsFramedAsBeforeByteForByte() {
    for (String data : TOKENS) {
      for (String event : List.of("", "llm:stream:token")) {
        for (OptionalLong id : List.of(OptionalLong.empty(), OptionalLong.of(Long.MAX_VALUE))) {
          String frame = frame(event, id, data);
          assertThat(frame).isEqualTo(SseFramesBefore.event(event, id, data));
          assertThat(frame).doesNotContain("\r").endsWith("\n\n");
          List<String> lines = List.of(frame.substring(0, frame.length() - 2).split("\n", -1));
          assertThat(lines).allMatch(line -> line.startsWith("event: ") || line.startsWith("id: ")
              || line.startsWith("data: "));
        }
      }
    }
  }

  @Test
  void everyEventPayloadIsFramedAsBeforeByteForByte() {
    Instant at = Instant.parse("2026-11-25T16:24:59.123Z");
    for (String text : TOKENS) {
      for (StreamEvent event : List.of(new StreamEvent.Token("s-1\"é", text, 7, at),
          new StreamEvent.Reasoning("s-1", text, Long.MAX_VALUE, at))) {
        String name = event.kind().eventName();
        byte[] frame = bytes(SseFrames.appendEvent(new StringBuilder(), name, OptionalLong.of(7),
            json -> EventJson.appendPayload(json, event)));
        assertThat(frame).isEqualTo(
            SseFramesBefore.event(name, OptionalLong.of(7), EventJson.payload(event)).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** The bytes EventStreamResponse sends for a frame. */
  static byte[] bytes(StringBuilder frame) {
    return Utf8Buffer.encode(frame).getBytes();
  }

  @Test
  void commentIsIgnoredByParsers() {
    assertThat(SseFrames.comment("keep-alive")).isEqualTo(": keep-alive\n\n");
  }

  @Test
  void aLineBreakInAnEventNameIsRefused() {
    assertThatThrownBy(() -> frame("a\nb", OptionalLong.empty(), "x"))
        .hasMessage("event: contains a line break (expected: a single line)");
  }
}
