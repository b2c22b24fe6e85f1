package io.llmgate.config;

import java.time.Duration;

/**
 * Retries before the first token: at most {@code maxAttempts} tries in all, waiting
 * {@code initialBackoff × 2^(n-1)} (capped at {@code maxBackoff}, minus up to 25 % jitter) between them,
 * or the upstream's own {@code retry-after} when it gave one. A hint longer than {@code maxRetryAfter}
 * ends the retries at once: waiting that long would hold the client for nothing, while a fallback
 * provider may answer now. Defaults follow the official OpenAI and Anthropic SDKs.
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {
  public static final RetrySettings DEFAULT =
      new RetrySettings(3, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));

  public RetrySettings {
    if (maxAttempts < 1) {
      throw new ConfigException("retry.max-attempts: " + maxAttempts + " (expected: >= 1)");
    }
    Settings.positive("retry.initial-backoff", initialBackoff);
    Settings.positive("retry.max-backoff", maxBackoff);
    Settings.positive("retry.max-retry-after", maxRetryAfter);
  }

  /** No retry at all: one attempt. */
  public static RetrySettings none() {
    return new RetrySettings(1, DEFAULT.initialBackoff, DEFAULT.maxBackoff, DEFAULT.maxRetryAfter);
  }
}
