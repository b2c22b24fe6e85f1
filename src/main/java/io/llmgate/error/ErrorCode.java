package io.llmgate.error;

/** The {@code code} values of {@code llm:stream:error} (protocol.md), with whether a retry may help. */
public enum ErrorCode {
  INVALID_REQUEST("invalid_request", false),
  UNKNOWN_PROVIDER("unknown_provider", false),
  DUPLICATE_SESSION("duplicate_session", false),
  NOT_FOUND("not_found", false),
  /** The stream is kept, but not the events after the resumer's lastIndex: replaying would leave a gap. */
  RESUME_GAP("resume_gap", false),
  RATE_LIMITED("rate_limited", true),
  TOO_MANY_STREAMS("too_many_streams", true),
  TOO_MANY_CONNECTIONS("too_many_connections", true),
  UNAUTHORIZED("unauthorized", false),
  FORBIDDEN_ORIGIN("forbidden_origin", false),
  UPSTREAM_AUTH("upstream_auth", false),
  UPSTREAM_RATE_LIMITED("upstream_rate_limited", true),
  UPSTREAM_UNAVAILABLE("upstream_unavailable", true),
  UPSTREAM_ERROR("upstream_error", false),
  UPSTREAM_TRUNCATED("upstream_truncated", true),
  UPSTREAM_TIMEOUT("upstream_timeout", true),
  CONTENT_FILTERED("content_filtered", false),
  SHUTTING_DOWN("shutting_down", true),
  CLUSTER_UNAVAILABLE("cluster_unavailable", true),
  NODE_LOST("node_lost", true),
  INTERNAL("internal", false);

  private final String wire;
  private final boolean retryable;

  ErrorCode(String wire, boolean retryable) {
    this.wire = wire;
    this.retryable = retryable;
  }

  /** The snake_case name clients see. */
  public String wire() {
    return wire;
  }

  public boolean retryable() {
    return retryable;
  }
}
