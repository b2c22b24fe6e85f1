package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8BufferTest {
  @Test
  void encodesEveryTextAsStringGetBytesDoes() {
    for (String text : SseFramesTest.TOKENS) {
      for (String around : new String[] {"", "a", "\ud83d", "\ude0a", "é"}) {
        String whole = around + text + around;
        assertThat(Utf8Buffer.encode(new StringBuilder(whole)).getBytes())
            .as("%s", whole.chars().mapToObj(Integer::toHexString).toList())
            .isEqualTo(whole.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void aBufferHoldsExactlyItsBytes() {
    assertThat(Utf8Buffer.encode("é😊").length()).isEqualTo(6);
    assertThat(Utf8Buffer.encode("").length()).isZero();
  }
}
