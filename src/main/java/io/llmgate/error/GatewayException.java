package io.llmgate.error;

/**
 * The one failure type of llmgate: a client-facing {@link ErrorCode}, a message that names the value and
 * what was expected, and whether retrying may help. Expected failures carry no stack trace: they are
 * answers, not bugs, and filling stacks on every rate-limited message would cost more than the answer.
 */
public final class GatewayException extends RuntimeException {
  private final ErrorCode code;
  private final boolean retryable;

  public GatewayException(ErrorCode code, String message) {
    this(code, message, code.retryable());
  }

  public GatewayException(ErrorCode code, String message, boolean retryable) {
    super(message, null, false, false);
    this.code = code;
    this.retryable = retryable;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
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
