package io.llmgate.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmgate.provider.local.TensorReader.Precision;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GenerationTest {
  private static final Llama2Engine BUNDLED = Llama2Engine.bundled();

  @Test
  void bundledModelContinuesAFixedPromptExactlyWhenGreedy() {
    Generation generation = BUNDLED.start("And the LORD said unto Moses", 20, Sampler.greedy());

    assertThat(String.join("", pieces(generation))).isEqualTo(PINNED_GREEDY_CONTINUATION);
    assertThat(generation.usage().outputTokens()).isEqualTo(20);
  }

  private static final String PINNED_GREEDY_CONTINUATION =
      ", I will become a covenant of the LORD, and I will b";

  @Test
  void bundledModelComputesTheLogitsPyTorchComputes() {
    // tools/train-local-model/reference_logits.py on the bundled checkpoint, tokens and values from it
    int[] tokens = {1, 300, 400, 42, 7, 259, 260, 100};
    int[] argmax = {35, 261, 47, 419, 448, 104, 434, 110};
    Llama2Model model = Llama2Checkpoint.read(
        ByteBuffer.wrap(BundledModel.resource(BundledModel.CHECKPOINT)), "bundled");
    ForwardState state = new ForwardState(model.config());

    for (int pos = 0; pos < tokens.length; pos++) {
      float[] logits = model.forward(state, tokens[pos], pos);
      assertThat(Sampler.greedy().sample(logits)).as("argmax at %d", pos).isEqualTo(argmax[pos]);
    }
    assertThat(Arrays.copyOf(state.logits, 4))
        .containsExactly(new float[] {-8.91152f, -3.16310f, -8.84826f, -8.81015f}, within(1e-4f));
  }

  @Test
  void stopsAfterMaxTokens() {
    Generation generation = BUNDLED.start("And the LORD said unto Moses", 5, Sampler.greedy());

    List<String> pieces = pieces(generation);

    assertThat(pieces).hasSizeBetween(1, 5);
    assertThat(generation.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(generation.usage()).isEqualTo(new Usage(BUNDLED.promptTokens("And the LORD said unto Moses").length, 5));
    assertThat(generation.next()).isEmpty();
  }

  @Test
  void stopsAtTheEndOfTextToken() {
    Llama2Engine engine = tinyEngine(TinyModelFiles.constant(Llama2Tokenizer.EOS, TinyModelFiles.TINY.dim()));
    Generation generation = engine.start("ab", 10, Sampler.greedy());

    assertThat(generation.next()).isEmpty();
    assertThat(generation.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(generation.usage().outputTokens()).isZero();
  }

  @Test
  void stopsWhenTheContextIsFull() {
    Llama2Engine engine = tinyEngine(TinyModelFiles.constant('x' + 3, TinyModelFiles.TINY.dim()));
    Generation generation = engine.start("ab", 1000, Sampler.greedy());

    String text = String.join("", pieces(generation));

    int seqLen = TinyModelFiles.TINY.seqLen();
    int prompt = (int) generation.usage().inputTokens();
    assertThat(text).isEqualTo("x".repeat(seqLen - prompt + 1)); // the last one needs no forward pass
    assertThat(generation.finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  @Test
  void longPromptsKeepTheirEndAndHalfTheContext() {
    String prompt = "And it came to pass, ".repeat(500) + "that the LORD spake";

    int[] tokens = BUNDLED.promptTokens(prompt);

    assertThat(tokens).hasSize(BUNDLED.config().seqLen() / 2);
    assertThat(tokens[0]).isEqualTo(Llama2Tokenizer.BOS);
    assertThat(Llama2TokenizerTest.decode(BUNDLED.tokenizer(), tokens)).endsWith("that the LORD spake");
  }

  @Test
  void seededSamplingReplaysAndInterleavedStreamsDoNotDisturbEachOther() {
    Generation first = BUNDLED.start("Blessed are", 30, new Sampler(0.9, 0.9, 42));
    Generation second = BUNDLED.start("Blessed are", 30, new Sampler(0.9, 0.9, 42));
    Generation other = BUNDLED.start("The LORD is my shepherd", 30, new Sampler(1.0, 0.95, 7));
    StringBuilder a = new StringBuilder();
    for (Optional<String> piece = first.next(); piece.isPresent(); piece = first.next()) {
      a.append(piece.get());
      other.next();
    }

    assertThat(String.join("", pieces(second))).isEqualTo(a.toString()).isNotEmpty();
  }

  @Test
  void emptyPromptStartsFromBeginningOfText() {
    Generation generation = BUNDLED.start("", 10, Sampler.greedy());

    String text = String.join("", pieces(generation));

    assertThat(generation.usage().inputTokens()).isEqualTo(1);
    assertThat(text).isNotBlank().doesNotStartWith(" ");
  }

  static List<String> pieces(Generation generation) {
    List<String> pieces = new ArrayList<>();
    for (Optional<String> piece = generation.next(); piece.isPresent(); piece = generation.next()) {
      pieces.add(piece.get());
    }
    return pieces;
  }

  private static Llama2Engine tinyEngine(TinyModelFiles.Fill fill) {
    Llama2Model model = Llama2Checkpoint.read(
        ByteBuffer.wrap(TinyModelFiles.checkpoint(TinyModelFiles.TINY, Precision.FLOAT32, fill)), "tiny");
    Llama2Tokenizer tokenizer = Llama2Tokenizer.read(
        ByteBuffer.wrap(TinyModelFiles.tokenizer("ab", "bc", "cd")), 262, "tiny");
    return new Llama2Engine(model, tokenizer);
  }
}
