package io.llmgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
  private final AtomicLong now = new AtomicLong();
  // "svc-a" has an API key's own 2 per minute; everybody else the default 4.
  private final LocalRateLimiter limiter = new LocalRateLimiter(user -> user.equals("svc-a") ? 2 : 4,
      Duration.ofMinutes(1), now::get);

  private int admitted(String user, int tries) {
    int admitted = 0;
    for (int i = 0; i < tries; i++) {
      admitted += limiter.tryAcquire(user).result() ? 1 : 0;
    }
    return admitted;
  }

  @Test
  void eachUserHasABucketOfItsOwnCapacityRefilledOverTheWindow() {
    assertThat(admitted("svc-a", 5)).isEqualTo(2);
    assertThat(admitted("svc-b", 5)).isEqualTo(4);

    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(admitted("svc-a", 5)).as("half a window refills half of 2").isEqualTo(1);
    assertThat(admitted("svc-b", 5)).as("half a window refills half of 4").isEqualTo(2);
  }
}
