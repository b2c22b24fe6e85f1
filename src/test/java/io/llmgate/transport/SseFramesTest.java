package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SseFramesTest {
  @Test
  void eventWithIdAndData() {
    assertThat(SseFrames.event("llm:stream:token", OptionalLong.of(7), "{\"token\":\"a\"}"))
        .isEqualTo("event: llm:stream:token\nid: 7\ndata: {\"token\":\"a\"}\n\n");
  }

  @Test
  void dataOnlyFrameAsOpenAiSendsIt() {
    assertThat(SseFrames.data("[DONE]")).isEqualTo("data: [DONE]\n\n");
  }

  @Test
  void everyKindOfLineBreakInDataStartsANewDataLine() {
    assertThat(SseFrames.data("a\nb\r\nc\rd")).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
    assertThat(SseFrames.data("end\n")).isEqualTo("data: end\ndata: \n\n");
    assertThat(SseFrames.data("")).isEqualTo("data: \n\n");
  }

  @Test
  void commentIsIgnoredByParsers() {
    assertThat(SseFrames.comment("keep-alive")).isEqualTo(": keep-alive\n\n");
  }

  @Test
  void aLineBreakInAnEventNameIsRefused() {
    assertThatThrownBy(() -> SseFrames.event("a\nb", OptionalLong.empty(), "x"))
        .hasMessage("event: contains a line break (expected: a single line)");
  }
}
