package io.llmgate.ratelimit;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.Future;

/**
 * Admits or refuses one client message of a user. Asynchronous so a shared (Redis) implementation can
 * stand in for the in-memory one without changing callers.
 */
public interface RateLimiter {

  /** Completes with {@code true} when the message is within the user's budget. */
  Future<Boolean> tryAcquire(String user);

  /** The refusal of a message over its user's budget. */
  static GatewayException overLimit() {
    return new GatewayException(ErrorCode.RATE_LIMITED,
        "messages: over the limit per minute for this user (expected: slow down)");
  }
}
