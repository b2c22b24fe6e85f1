package io.llmgate.error;

import java.time.Duration;
import java.util.Optional;

/**
 * The one failure type of llmgate: a client-facing {@link ErrorCode}, a message that names the value and
 * what was expected, and whether retrying may help. Expected failures carry no stack trace: they are
 * answers, not bugs, and filling stacks on every rate-limited message would cost more than the answer.
 */
public final class GatewayException extends RuntimeException {
  private final ErrorCode code;
  private final boolean retryable;
  private final Duration retryAfter;

  public GatewayException(ErrorCode code, String message) {
    this(code, message, code.retryable());
  }

  public GatewayException(ErrorCode code, String message, boolean retryable) {
    this(code, message, retryable, null);
  }

  /** {@code retryAfter} is the upstream's own hint (a {@code retry-after} header), or null for none. */
  GatewayException(ErrorCode code, String message, boolean retryable, Duration retryAfter) {
    super(message, null, false, false);
    this.code = code;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  /** How long the upstream asked us to wait before trying again, when it said so. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Wraps anything thrown into a GatewayException, keeping one that already is. */
  public static GatewayException from(Throwable failure) {
    if (failure instanceof GatewayException known) {
      return known;
    }
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return new GatewayException(ErrorCode.INTERNAL, message);
  }
}
