package io.llmgate.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Waiting, from a test thread, for something another thread makes true: polled, failing after 10 s. */
public final class Await {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      sleep(5);
    }
  }

  /**
   * Waits until {@code value} has not changed for {@code quiet} (a counter that something blocked stops
   * moving), failing after {@code limit}; answers the {@link System#nanoTime()} at which it last changed.
   */
  public static long stable(String what, LongSupplier value, Duration quiet, Duration limit) {
    long start = System.nanoTime();
    long last = value.getAsLong();
    long changedAt = start;
    while (System.nanoTime() - changedAt < quiet.toNanos()) {
      if (System.nanoTime() - start > limit.toNanos()) {
        throw new AssertionError("timed out after " + limit + " waiting until " + what);
      }
      sleep(10);
      long now = value.getAsLong();
      if (now != last) {
        last = now;
        changedAt = System.nanoTime();
      }
    }
    return changedAt;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
