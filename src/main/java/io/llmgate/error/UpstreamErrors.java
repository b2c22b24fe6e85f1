package io.llmgate.error;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The one table from what an upstream provider reported (HTTP status, its own error type) to our
 * {@link ErrorCode}s (wire-formats.md §1, §3.4, §5.4, §6.5, §7.3). A provider-specific type wins over the
 * status because the status alone hides the cause: OpenAI's {@code insufficient_quota} is a 429 that no
 * retry will fix, and Gemini answers a bad key with 400 {@code API_KEY_INVALID}. DeepSeek's {@code code}
 * says {@code invalid_request_error} even on 401, so only the specific values below are trusted.
 */
public final class UpstreamErrors {
  private static final int MAX_MESSAGE = 300;

  /** How one row of the table classifies a failure. */
  private record Row(ErrorCode code, boolean retryable) {}

  private static final Row AUTH = new Row(ErrorCode.UPSTREAM_AUTH, false);
  private static final Row QUOTA = new Row(ErrorCode.UPSTREAM_RATE_LIMITED, false);
  private static final Row RATE_LIMITED = new Row(ErrorCode.UPSTREAM_RATE_LIMITED, true);
  private static final Row OVERLOADED = new Row(ErrorCode.UPSTREAM_UNAVAILABLE, true);
  private static final Row SERVER_ERROR = new Row(ErrorCode.UPSTREAM_ERROR, true);
  private static final Row TIMEOUT = new Row(ErrorCode.UPSTREAM_TIMEOUT, true);
  private static final Row REJECTED = new Row(ErrorCode.UPSTREAM_ERROR, false);

  private static final Map<String, Row> BY_TYPE = Map.ofEntries(
      Map.entry("insufficient_quota", QUOTA),
      Map.entry("billing_error", QUOTA),
      Map.entry("invalid_api_key", AUTH),
      Map.entry("API_KEY_INVALID", AUTH),
      Map.entry("authentication_error", AUTH),
      Map.entry("permission_error", AUTH),
      Map.entry("PERMISSION_DENIED", AUTH),
      Map.entry("UNAUTHENTICATED", AUTH),
      Map.entry("rate_limit_exceeded", RATE_LIMITED),
      Map.entry("rate_limit_error", RATE_LIMITED),
      Map.entry("RESOURCE_EXHAUSTED", RATE_LIMITED),
      Map.entry("overloaded_error", OVERLOADED),
      Map.entry("UNAVAILABLE", OVERLOADED),
      Map.entry("insufficient_system_resource", OVERLOADED),
      Map.entry("api_error", SERVER_ERROR),
      Map.entry("server_error", SERVER_ERROR),
      Map.entry("INTERNAL", SERVER_ERROR),
      Map.entry("timeout_error", TIMEOUT),
      Map.entry("DEADLINE_EXCEEDED", TIMEOUT));

  private UpstreamErrors() {}

  /**
   * What an upstream said about a failure: an HTTP-like code when it gave one, every type / code /
   * status / reason string found in its error envelope, and its human-readable message.
   */
  public record Reported(OptionalInt status, List<String> kinds, String message) {
    public Reported {
      Objects.requireNonNull(status, "status");
      kinds = List.copyOf(kinds);
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A non-2xx answer before any output. {@code retryAfter} is the upstream's delay hint; {@code shouldRetry}
   * its explicit {@code x-should-retry} verdict, which the official SDKs honour before anything else.
   */
  public static GatewayException httpStatus(String provider, int status, Reported reported,
      Optional<Duration> retryAfter, Optional<Boolean> shouldRetry) {
    Row row = byKinds(reported.kinds()).orElseGet(() -> byStatus(status));
    String message = provider + ": HTTP " + status + describe(reported);
    return new GatewayException(row.code(), message, shouldRetry.orElse(row.retryable()), retryAfter.orElse(null));
  }

  /** An error the upstream sent inside a 200 stream (Anthropic {@code event: error}, Gemini's raw tail …). */
  public static GatewayException inStream(String provider, Reported reported) {
    Row row = byKinds(reported.kinds()).orElseGet(() -> reported.status().isPresent()
        ? byStatus(reported.status().getAsInt())
        : REJECTED);
    return new GatewayException(row.code(), provider + ": error in stream" + describe(reported), row.retryable());
  }

  /** The upstream closed without its end marker: never a normal end (wire-formats.md §1 invariant 5). */
  public static GatewayException truncated(String provider, String endMarker) {
    return new GatewayException(ErrorCode.UPSTREAM_TRUNCATED,
        provider + ": upstream closed the stream before its end marker (expected: " + endMarker + ")", true);
  }

  /** A frame that is not what the provider's format says it must be. */
  public static GatewayException malformed(String provider, String frame, String expected) {
    return new GatewayException(ErrorCode.UPSTREAM_ERROR,
        provider + ": malformed frame " + abbreviate(frame) + " (expected: " + expected + ")", false);
  }

  /**
   * The provider's request hook failed (a signer, a token or key source): nothing was sent, and a retry
   * or the next provider may do better.
   */
  public static GatewayException notPrepared(String provider, String reason) {
    return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
        provider + ": the request could not be prepared (" + reason + ")", true);
  }

  /** No connection could be made; nothing reached the provider, so a retry is always safe. */
  public static GatewayException unreachable(String provider, String target, String reason) {
    return new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE,
        provider + ": cannot connect to " + target + " (" + reason + ")", true);
  }

  /** A connection that broke during the exchange. */
  public static GatewayException connectionLost(String provider, String reason) {
    return new GatewayException(ErrorCode.UPSTREAM_ERROR, provider + ": connection lost (" + reason + ")", true);
  }

  /** One of our own timers fired; {@code setting} names the key that sets it. */
  public static GatewayException timedOut(String provider, String what, Duration limit, String setting) {
    return new GatewayException(ErrorCode.UPSTREAM_TIMEOUT,
        provider + ": " + what + " within " + limit.toMillis() + " ms (setting: " + setting + ")", true);
  }

  /**
   * The same failure with {@code secret} (an API key) blanked out of its message, also where the message
   * was cut inside it. Key-shaped text from the upstream is already gone ({@link KeyShapes}).
   */
  public static GatewayException redacted(GatewayException failure, String secret) {
    String message = failure.getMessage();
    String clean = message == null ? null : KeyShapes.redact(message, secret);
    if (clean == null || clean.equals(message)) {
      return failure;
    }
    return new GatewayException(failure.code(), clean, failure.retryable(), failure.retryAfter().orElse(null));
  }

  private static Optional<Row> byKinds(List<String> kinds) {
    return kinds.stream().map(BY_TYPE::get).filter(Objects::nonNull).findFirst();
  }

  private static Row byStatus(int status) {
    return switch (status) {
      case 401, 403 -> AUTH;
      case 402 -> QUOTA;
      case 408, 504 -> TIMEOUT;
      case 429 -> RATE_LIMITED;
      case 503, 529 -> OVERLOADED;
      default -> status >= 500 ? SERVER_ERROR : REJECTED;
    };
  }

  private static String describe(Reported reported) {
    String kind = reported.kinds().isEmpty() ? "" : " " + String.join("/", reported.kinds());
    String text = reported.message().isBlank() ? "" : ": " + abbreviate(reported.message());
    return kind + text;
  }

  /** Upstream text, key-shaped parts blanked out first, then cut to {@link #MAX_MESSAGE}. */
  private static String abbreviate(String upstreamText) {
    String text = KeyShapes.redact(upstreamText);
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }
}
