package io.llmgate.provider.resilience;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link RetryTimer} the test drives: each wait is recorded, and runs (on the context that asked for it)
 * only when the test fires it, so no test sleeps through a backoff.
 */
final class ManualRetryTimer implements RetryTimer {
  /** One wait a stream asked for: {@code fire()} runs it on its context, as the timer would once it passed. */
  record Wait(Duration delay, Context context, Runnable then, AtomicBoolean cancelled) {
    void fire() {
      context.runOnContext(v -> then.run());
    }
  }

  private final LinkedBlockingQueue<Wait> pending = new LinkedBlockingQueue<>();
  private final List<Duration> asked = new CopyOnWriteArrayList<>();

  @Override
  public Runnable schedule(Duration delay, Runnable then) {
    Wait wait = new Wait(delay, Vertx.currentContext(), then, new AtomicBoolean());
    asked.add(delay);
    pending.add(wait);
    return () -> wait.cancelled().set(true);
  }

  /** The next wait a stream asks for, within 10 s. */
  Wait next() throws InterruptedException {
    Wait wait = pending.poll(10, TimeUnit.SECONDS);
    if (wait == null) {
      throw new AssertionError("no retry wait was asked for within 10 s (asked so far: " + asked + ")");
    }
    return wait;
  }

  /** Every delay asked for so far, in order. */
  List<Duration> asked() {
    return List.copyOf(asked);
  }
}
