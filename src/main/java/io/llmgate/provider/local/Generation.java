package io.llmgate.provider.local;

import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.util.Optional;

/**
 * One stream's continuation of a prompt: owns its key/value cache, sampler and pending UTF-8 bytes,
 * and shares only the immutable {@link Llama2Model}. Plain and synchronous; each {@link #next()} runs
 * forward passes on the calling thread (the provider calls it on a worker, never an event loop).
 * Not thread-safe: one caller at a time.
 */
final class Generation implements TokenSource {
  private final Llama2Model model;
  private final Llama2Tokenizer tokenizer;
  private final int[] prompt;
  private final int maxTokens;
  private final Sampler sampler;
  private final ForwardState state;
  private final Utf8Accumulator text = new Utf8Accumulator();

  private int position;
  private int lastToken;
  private int generated;
  private FinishReason finishReason;
  private boolean flushed;

  /** {@code prompt} starts with BOS and fits the context (see {@link Llama2Engine#start}). */
  Generation(Llama2Model model, Llama2Tokenizer tokenizer, int[] prompt, int maxTokens, Sampler sampler) {
    if (maxTokens <= 0) {
      throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: > 0)");
    }
    if (prompt.length == 0 || prompt.length > model.config().seqLen()) {
      throw new IllegalArgumentException("prompt: " + prompt.length + " tokens (expected: 1.."
          + model.config().seqLen() + ")");
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.prompt = prompt.clone();
    this.maxTokens = maxTokens;
    this.sampler = sampler;
    this.state = new ForwardState(model.config());
  }

  /**
   * The next piece of text, or empty once generation has ended: at an end-of-text token (BOS or EOS,
   * finish reason STOP), after {@code maxTokens} tokens or when the context is full (LENGTH). A piece
   * may cover several tokens when a character's bytes span them.
   */
  @Override
  public Optional<String> next() {
    while (finishReason == null) {
      int token = nextToken();
      if (token >= 0) {
        String piece = text.append(tokenizer.decode(lastToken, token));
        lastToken = token;
        if (!piece.isEmpty()) {
          return Optional.of(piece);
        }
      }
    }
    if (!flushed) {
      flushed = true;
      String rest = text.flush();
      if (!rest.isEmpty()) {
        return Optional.of(rest);
      }
    }
    return Optional.empty();
  }

  /** Samples one token, or sets {@link #finishReason} and returns -1. */
  private int nextToken() {
    if (generated == maxTokens || position == model.config().seqLen()) {
      finishReason = FinishReason.LENGTH;
      return -1;
    }
    float[] logits = position == 0 ? readPrompt() : model.forward(state, lastToken, position++);
    int token = sampler.sample(logits);
    if (token == Llama2Tokenizer.BOS || token == Llama2Tokenizer.EOS) {
      finishReason = FinishReason.STOP;
      return -1;
    }
    generated++;
    return token;
  }

  private float[] readPrompt() {
    float[] logits = null;
    for (int token : prompt) {
      logits = model.forward(state, token, position++);
    }
    lastToken = prompt[prompt.length - 1];
    return logits;
  }

  @Override
  public FinishReason finishReason() {
    return finishReason == null ? FinishReason.OTHER : finishReason;
  }

  @Override
  public Usage usage() {
    return new Usage(prompt.length, generated);
  }
}
