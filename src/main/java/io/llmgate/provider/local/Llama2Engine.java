package io.llmgate.provider.local;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A loaded llama2.c model and its tokenizer, ready to start generations. Immutable and shared by all
 * streams.
 *
 * <p>The bundled model is a tiny demo that continues text in the style of the King James Bible; it
 * is not an assistant and does not follow instructions. Its prompt is the text of the last user
 * message, verbatim, and it returns only what it writes after it.
 */
final class Llama2Engine {
  private final Llama2Model model;
  private final Llama2Tokenizer tokenizer;

  Llama2Engine(Llama2Model model, Llama2Tokenizer tokenizer) {
    if (tokenizer.vocabSize() != model.config().vocabSize()) {
      throw new ModelLoadException("tokenizer vocab_size: " + tokenizer.vocabSize()
          + " (expected: " + model.config().vocabSize() + " from the checkpoint)");
    }
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** The demo model in the jar; checksums verified. */
  static Llama2Engine bundled() {
    return BundledModel.load();
  }

  /** Any llama2.c v0 checkpoint (float32 or fp16) with its {@code tokenizer.bin}. */
  static Llama2Engine fromFiles(Path checkpoint, Path tokenizer) {
    Llama2Model model = Llama2Checkpoint.readFile(checkpoint);
    return new Llama2Engine(model, Llama2Tokenizer.readFile(tokenizer, model.config().vocabSize()));
  }

  Llama2Config config() {
    return model.config();
  }

  Llama2Tokenizer tokenizer() {
    return tokenizer;
  }

  /** A new generation continuing {@code prompt}; cheap, nothing runs until its first next(). */
  Generation start(String prompt, int maxTokens, Sampler sampler) {
    return new Generation(model, tokenizer, promptTokens(prompt), maxTokens, sampler);
  }

  /**
   * BOS and the prompt's tokens, keeping only the last ones when the prompt would take more than half
   * the context, so there is always room to write. Only the text's tail is tokenized: the rest could
   * not be kept anyway, and merging is quadratic in the text's length.
   */
  int[] promptTokens(String prompt) {
    int keep = Math.max(1, model.config().seqLen() / 2);
    int tailChars = model.config().seqLen() * Math.max(1, tokenizer.maxTokenLength());
    int start = Math.max(0, prompt.length() - tailChars);
    if (start > 0 && Character.isLowSurrogate(prompt.charAt(start))) {
      start++;
    }
    int[] tokens = tokenizer.encode(prompt.substring(start), true);
    if (tokens.length <= keep) {
      return tokens;
    }
    int[] kept = Arrays.copyOfRange(tokens, tokens.length - keep, tokens.length);
    kept[0] = Llama2Tokenizer.BOS;
    return kept;
  }
}
