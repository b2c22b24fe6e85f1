package io.llmgate.provider.resilience;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Where a stream waits before its next attempt: a Vert.x timer of the calling context in production. A
 * test passes its own, which records each wait and runs it when told, so that a backoff or a retry-after
 * of seconds is checked without sleeping through it.
 */
public interface RetryTimer {
  /** Vert.x's timer on the calling context (at least 1 ms: Vert.x refuses a zero delay). */
  RetryTimer VERTX = (delay, then) -> {
    Vertx vertx = Vertx.currentContext().owner();
    long id = vertx.setTimer(Math.max(1, delay.toMillis()), fired -> then.run());
    return () -> vertx.cancelTimer(id);
  };

  /** Runs {@code then} on the calling context after {@code delay}; the action returned cancels it. */
  Runnable schedule(Duration delay, Runnable then);
}
