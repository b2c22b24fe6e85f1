package io.llmgate.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wait for the compilers, on a made-up compilation time: it ends at the first period in which the
 * compilers spent less than the quiet amount, and at the deadline while they keep compiling.
 */
class JitSettleTest {
  private static final Duration QUIET = Duration.ofMillis(20);
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void endsAtTheFirstQuietPeriod() throws Exception {
    AtomicLong reads = new AtomicLong();
    // 100 ms of compilation per read for the first four reads (the start and three periods), then none.
    JitSettle settle = new JitSettle(vertx, () -> Math.min(reads.incrementAndGet(), 4) * 100, QUIET);

    JitSettle.Result result = settle.await(System.nanoTime() + Duration.ofMinutes(1).toNanos()).await(30, TimeUnit.SECONDS);

    assertThat(result).isEqualTo(new JitSettle.Result(4, true));
  }

  @Test
  void theDeadlineEndsAWaitWhileTheCompilersKeepWorking() throws Exception {
    AtomicLong compiled = new AtomicLong();
    JitSettle settle = new JitSettle(vertx, () -> compiled.addAndGet(QUIET.toMillis()), QUIET);

    JitSettle.Result result = settle.await(System.nanoTime() + Duration.ofMillis(600).toNanos()).await(30, TimeUnit.SECONDS);

    assertThat(result.settled()).isFalse();
    assertThat(result.periods()).isPositive();
  }

  @Test
  void aDeadlineAlreadyPastEndsItAtOnce() throws Exception {
    JitSettle settle = new JitSettle(vertx, System::nanoTime, QUIET);

    assertThat(settle.await(System.nanoTime() - 1).await(30, TimeUnit.SECONDS)).isEqualTo(new JitSettle.Result(0, false));
  }
}
