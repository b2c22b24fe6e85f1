package io.llmgate.stream;

/** Token counts as the provider (or the local model) reported them. */
public record Usage(long inputTokens, long outputTokens) {
  public Usage {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "usage: " + inputTokens + "/" + outputTokens + " (expected: >= 0)");
    }
  }
}
