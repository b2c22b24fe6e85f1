package io.llmgate.ratelimit;

import io.vertx.core.Future;

/**
 * Admits or refuses one client message of a user. Asynchronous so a shared (Redis) implementation can
 * stand in for the in-memory one without changing callers.
 */
public interface RateLimiter {

  /** Completes with {@code true} when the message is within the user's budget. */
  Future<Boolean> tryAcquire(String user);
}
