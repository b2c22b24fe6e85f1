package io.llmgate.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8AccumulatorTest {
  private static final String TEXT = "aé世🙂z";

  @Test
  void neverSplitsACharacterWhereverTheBytesAreCut() {
    byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      Utf8Accumulator text = new Utf8Accumulator();

      String first = text.append(Arrays.copyOfRange(bytes, 0, cut));
      String second = text.append(Arrays.copyOfRange(bytes, cut, bytes.length));

      assertThat(first + second).as("cut at %d", cut).isEqualTo(TEXT);
      assertThat(TEXT).as("cut at %d", cut).startsWith(first);
    }
  }

  @Test
  void holdsBackAnIncompleteCharacterByteByByte() {
    Utf8Accumulator text = new Utf8Accumulator();

    assertThat(text.append(new byte[] {(byte) 0xF0})).isEmpty();
    assertThat(text.append(new byte[] {(byte) 0x9F})).isEmpty();
    assertThat(text.append(new byte[] {(byte) 0x99})).isEmpty();
    assertThat(text.append(new byte[] {(byte) 0x82, 'x'})).isEqualTo("🙂x");
  }

  @Test
  void replacesMalformedBytesAndAnUnfinishedCharacterAtTheEnd() {
    Utf8Accumulator text = new Utf8Accumulator();

    assertThat(text.append(new byte[] {'a', (byte) 0xFF, 'b'})).isEqualTo("a\uFFFDb");
    assertThat(text.append(new byte[] {(byte) 0xE4, (byte) 0xB8})).isEmpty();
    assertThat(text.flush()).isEqualTo("\uFFFD");
    assertThat(text.flush()).isEmpty();
  }
}
