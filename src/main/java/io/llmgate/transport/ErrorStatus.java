package io.llmgate.transport;

import io.llmgate.error.ErrorCode;

/** The HTTP status of each client-facing error code, for the transports that answer over HTTP. */
public final class ErrorStatus {
  private ErrorStatus() {}

  public static int of(ErrorCode code) {
    return switch (code) {
      case INVALID_REQUEST, UNKNOWN_PROVIDER, CONTENT_FILTERED -> 400;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN_ORIGIN -> 403;
      case NOT_FOUND -> 404;
      case DUPLICATE_SESSION -> 409;
      case RESUME_GAP -> 410; // the events asked for existed, and are gone
      case RATE_LIMITED, TOO_MANY_STREAMS, TOO_MANY_CONNECTIONS, UPSTREAM_RATE_LIMITED -> 429;
      case INTERNAL -> 500;
      // The upstream misbehaved or refused our credentials: the gateway, not the client, is at fault.
      case UPSTREAM_AUTH, UPSTREAM_ERROR, UPSTREAM_TRUNCATED -> 502;
      case UPSTREAM_UNAVAILABLE, SHUTTING_DOWN, CLUSTER_UNAVAILABLE, NODE_LOST -> 503;
      case UPSTREAM_TIMEOUT -> 504;
    };
  }
}
