package io.llmgate.warmup;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Waits for the JIT compilers to settle after the warm-up's streams. Those streams queue hundreds of C1 and
 * C2 compilations, and the compilers are still at full speed when the last stream ends (bench/README.md): a
 * burst admitted then shares the two cores with them and runs on profiled C1 code. So readiness waits, on a
 * periodic timer (the event loop never waits), until the compilers spent less than {@code quiet} of their
 * time in the last {@link #PERIOD} — or until the deadline.
 */
public final class JitSettle {
  /** How often the compilers' total time is read: long enough to see a C2 compilation (tens of ms) start and end. */
  public static final Duration PERIOD = Duration.ofMillis(250);

  private final Vertx vertx;
  private final LongSupplier compilationMillis;
  private final Duration quiet;

  /** {@code compilationMillis} is the compilers' total time so far, growing while they work. */
  public JitSettle(Vertx vertx, LongSupplier compilationMillis, Duration quiet) {
    this.vertx = vertx;
    this.compilationMillis = compilationMillis;
    this.quiet = quiet;
  }

  /** This JVM's compilers; one that does not report their time counts as settled at once. */
  public static JitSettle ofThisJvm(Vertx vertx, Duration quiet) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
    return new JitSettle(vertx, timed ? jit::getTotalCompilationTime : () -> 0L, quiet);
  }

  /** How the wait ended: after how many periods, and whether the compilers settled or the deadline came first. */
  public record Result(int periods, boolean settled) {}

  /** Completes once the compilers settled or {@code System.nanoTime()} passed {@code deadlineNanos}. */
  public Future<Result> await(long deadlineNanos) {
    if (System.nanoTime() - deadlineNanos >= 0) {
      return Future.succeededFuture(new Result(0, false));
    }
    Promise<Result> done = Promise.promise();
    long[] last = {compilationMillis.getAsLong()};
    int[] periods = {0};
    vertx.setPeriodic(PERIOD.toMillis(), timer -> {
      long now = compilationMillis.getAsLong();
      long spent = now - last[0];
      last[0] = now;
      periods[0]++;
      boolean settled = spent < quiet.toMillis();
      if (settled || System.nanoTime() - deadlineNanos >= 0) {
        vertx.cancelTimer(timer);
        done.tryComplete(new Result(periods[0], settled));
      }
    });
    return done.future();
  }
}
