package io.llmgate.stream;

/**
 * Token counts as the provider (or the local model) reported them. {@code inputTokens} is everything the model
 * read, of which {@code cachedInputTokens} came from the provider's prompt cache and
 * {@code cacheCreationInputTokens} were written to it (Anthropic); {@code outputTokens} is everything it wrote,
 * of which {@code reasoningTokens} were thinking. Zero where the provider reports none.
 */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens, long cacheCreationInputTokens,
    long reasoningTokens) {
  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || cacheCreationInputTokens < 0
        || reasoningTokens < 0) {
      throw new IllegalArgumentException("usage: " + inputTokens + "/" + outputTokens + "/" + cachedInputTokens
          + "/" + cacheCreationInputTokens + "/" + reasoningTokens + " (expected: >= 0)");
    }
  }

  /** Counts without cache or reasoning detail. */
  public Usage(long inputTokens, long outputTokens) {
    this(inputTokens, outputTokens, 0, 0, 0);
  }
}
