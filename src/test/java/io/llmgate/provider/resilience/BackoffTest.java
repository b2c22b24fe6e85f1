package io.llmgate.provider.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.RetrySettings;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.error.UpstreamErrors;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final RetrySettings SETTINGS =
      new RetrySettings(4, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(60));

  private static GatewayException status(int status, Optional<Duration> retryAfter) {
    return UpstreamErrors.httpStatus("p", status, new UpstreamErrors.Reported(OptionalInt.empty(), List.of(), ""),
        retryAfter, Optional.empty());
  }

  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    Backoff noJitter = new Backoff(SETTINGS, () -> 0.0);
    assertThat(noJitter.delayAfter(1, status(503, Optional.empty()))).contains(Duration.ofMillis(500));
    assertThat(noJitter.delayAfter(2, status(503, Optional.empty()))).contains(Duration.ofMillis(1000));
    assertThat(noJitter.delayAfter(3, status(503, Optional.empty()))).contains(Duration.ofMillis(1000));
    assertThat(noJitter.delayAfter(4, status(503, Optional.empty()))).as("attempts exhausted").isEmpty();
  }

  @Test
  void jitterTakesOffAtMostAQuarter() {
    assertThat(new Backoff(SETTINGS, () -> 0.999).delayAfter(1, status(500, Optional.empty())).orElseThrow())
        .isBetween(Duration.ofMillis(375), Duration.ofMillis(376));
  }

  @Test
  void retriesTheListedStatusesAndConnectFailuresOnly() {
    Backoff backoff = new Backoff(SETTINGS, () -> 0.0);
    for (int retried : new int[] {429, 500, 502, 503, 529}) {
      assertThat(backoff.delayAfter(1, status(retried, Optional.empty()))).as("HTTP %d", retried).isPresent();
    }
    for (int permanent : new int[] {400, 401, 403, 404, 408, 504}) {
      assertThat(backoff.delayAfter(1, status(permanent, Optional.empty()))).as("HTTP %d", permanent).isEmpty();
    }
    assertThat(backoff.delayAfter(1, UpstreamErrors.unreachable("p", "h:1", "refused"))).isPresent();
    assertThat(backoff.delayAfter(1, UpstreamErrors.timedOut("p", "no first token", Duration.ofSeconds(1), "k")))
        .isEmpty();
    assertThat(backoff.delayAfter(1, new GatewayException(ErrorCode.INTERNAL, "bug"))).isEmpty();
  }

  @Test
  void honoursRetryAfterUpToTheLimit() {
    Backoff backoff = new Backoff(SETTINGS, () -> 0.0);
    assertThat(backoff.delayAfter(1, status(429, Optional.of(Duration.ofSeconds(7))))).contains(Duration.ofSeconds(7));
    assertThat(backoff.delayAfter(1, status(429, Optional.of(Duration.ofSeconds(61))))).isEmpty();
  }
}
