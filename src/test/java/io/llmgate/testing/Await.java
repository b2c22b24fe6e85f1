package io.llmgate.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

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
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
