package io.llmgate.provider.http;

import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The retry hints of an HTTP error response, read in the order the official SDKs read them
 * (wire-formats.md §1): {@code retry-after-ms}, then {@code retry-after} as seconds, then as an HTTP date,
 * then Gemini's {@code RetryInfo} in the body; and {@code x-should-retry}, which overrides the table.
 */
final class RetryHints {
  private RetryHints() {}

  /** {@code clock} tells how far off a {@code retry-after} date is. */
  static Optional<Duration> retryAfter(MultiMap headers, String body, Clock clock) {
    return millis(headers.get("retry-after-ms"))
        .or(() -> seconds(headers.get("retry-after")))
        .or(() -> date(headers.get("retry-after"), clock))
        .or(() -> ErrorEnvelope.retryDelay(body));
  }

  static Optional<Boolean> shouldRetry(MultiMap headers) {
    String value = headers.get("x-should-retry");
    if ("true".equalsIgnoreCase(value)) {
      return Optional.of(true);
    }
    return "false".equalsIgnoreCase(value) ? Optional.of(false) : Optional.empty();
  }

  private static Optional<Duration> millis(String value) {
    return number(value).map(ms -> Duration.ofMillis(Math.round(ms)));
  }

  private static Optional<Duration> seconds(String value) {
    return number(value).map(s -> Duration.ofMillis(Math.round(s * 1000)));
  }

  private static Optional<Duration> date(String value, Clock clock) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration wait = Duration.between(clock.instant(), at.toInstant());
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<Double> number(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      double parsed = Double.parseDouble(value.trim());
      return parsed >= 0 && Double.isFinite(parsed) ? Optional.of(parsed) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
