package io.llmgate.provider.resilience;

import io.llmgate.config.RetrySettings;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Whether and when to try the same provider again (wire-formats.md §1: the SDKs' rule, narrowed to what
 * the issue lists). Retried: failures the table marks retryable with a code of rate limiting, overload or
 * server error — that is connect failures, 429, 500, 502, 503, 529, the same conditions reported in
 * the stream, and a stream cut before its end marker. Not retried: timeouts (the budget is spent, and a fallback can still answer), and anything
 * the upstream called permanent (bad key, quota, bad request, {@code x-should-retry: false}).
 */
final class Backoff {
  private static final Set<ErrorCode> RETRIED =
      Set.of(ErrorCode.UPSTREAM_RATE_LIMITED, ErrorCode.UPSTREAM_UNAVAILABLE, ErrorCode.UPSTREAM_ERROR,
          ErrorCode.UPSTREAM_TRUNCATED);

  private final RetrySettings settings;
  private final DoubleSupplier random;

  Backoff(RetrySettings settings, DoubleSupplier random) {
    this.settings = settings;
    this.random = random;
  }

  /** The wait before attempt {@code attemptsMade + 1}, or empty when there is none to make. */
  Optional<Duration> delayAfter(int attemptsMade, GatewayException failure) {
    if (attemptsMade >= settings.maxAttempts() || !failure.retryable() || !RETRIED.contains(failure.code())) {
      return Optional.empty();
    }
    if (failure.retryAfter().isPresent()) {
      Duration hint = failure.retryAfter().get();
      return hint.compareTo(settings.maxRetryAfter()) > 0 ? Optional.empty() : Optional.of(hint);
    }
    long exponential = settings.initialBackoff().toMillis() << Math.min(attemptsMade - 1, 20);
    long capped = Math.min(exponential, settings.maxBackoff().toMillis());
    return Optional.of(Duration.ofMillis(Math.round(capped * (1 - 0.25 * random.getAsDouble()))));
  }
}
