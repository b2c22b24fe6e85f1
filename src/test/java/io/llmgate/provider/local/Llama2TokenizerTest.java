package io.llmgate.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Llama2TokenizerTest {
  private static final int FIRST_MERGE = 259;
  private static final Llama2Tokenizer BUNDLED = Llama2Engine.bundled().tokenizer();

  @Test
  void roundTripsAsciiAndMultibyteText() {
    String text = "In the beginning God created the heaven; naïve café, 世界, 🙂 amen.";

    int[] tokens = BUNDLED.encode(text, true);

    assertThat(tokens[0]).isEqualTo(Llama2Tokenizer.BOS);
    assertThat(decode(BUNDLED, tokens)).isEqualTo(text);
  }

  @Test
  void bundledVocabularyMergesCommonWords() {
    assertThat(BUNDLED.encode("And the LORD said unto Moses", false).length).isLessThan(12);
  }

  @Test
  void mergesTheBestScoringPairFirst() {
    // "bc" is listed before "ab", so it scores higher and wins the contested "b"
    Llama2Tokenizer tokenizer = tiny("bc", "ab", " a");

    int[] tokens = tokenizer.encode("abc", false);

    assertThat(tokens).containsExactly(FIRST_MERGE + 2, FIRST_MERGE);
  }

  @Test
  void encodesUnknownCodePointsAsUtf8Bytes() {
    Llama2Tokenizer tokenizer = tiny();

    int[] tokens = tokenizer.encode("é", false);

    assertThat(tokens).containsExactly(' ' + 3, 0xC3 + 3, 0xA9 + 3);
  }

  @Test
  void decodingDropsTheDummyPrefixAfterBosAndResolvesByteTokens() {
    Llama2Tokenizer tokenizer = tiny(" a");

    assertThat(tokenizer.decode(Llama2Tokenizer.BOS, FIRST_MERGE)).containsExactly('a');
    assertThat(tokenizer.decode(5, FIRST_MERGE)).containsExactly(' ', 'a');
    assertThat(tokenizer.decode(5, 0xE4 + 3)).containsExactly(0xE4);
  }

  @Test
  void rejectsATruncatedFile() {
    byte[] bytes = TinyModelFiles.tokenizer("ab");

    assertThatThrownBy(() -> Llama2Tokenizer.read(ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length - 1)),
        260, "tokenizer.bin"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("tokenizer tokenizer.bin: truncated at byte " + (bytes.length - 2)
            + " (expected: 260 tokens)");
  }

  @Test
  void rejectsAVocabularyLargerThanTheCheckpoints() {
    assertThatThrownBy(() -> Llama2Tokenizer.read(ByteBuffer.wrap(TinyModelFiles.tokenizer("ab")), 259,
        "tokenizer.bin"))
        .hasMessageContaining("10 bytes after token 258 (expected: none; vocab_size 259");
  }

  static String decode(Llama2Tokenizer tokenizer, int[] tokens) {
    Utf8Accumulator text = new Utf8Accumulator();
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < tokens.length; i++) {
      out.append(text.append(tokenizer.decode(tokens[i - 1], tokens[i])));
    }
    return out.append(text.flush()).toString();
  }

  private static Llama2Tokenizer tiny(String... merges) {
    return Llama2Tokenizer.read(ByteBuffer.wrap(TinyModelFiles.tokenizer(merges)), 259 + merges.length,
        "test");
  }

}
