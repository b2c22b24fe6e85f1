package io.llmgate.config;

import java.time.Duration;

/**
 * The self-warm-up before {@code /readyz} turns ready: {@code streams} short streams through the node's own
 * Socket.IO, SSE and OpenAI API endpoints against the embedded {@code local} provider, each on a new loopback
 * connection, {@code concurrency} at a time, then a wait until the JIT compilers spent less than
 * {@code jitSettle} in the last 250 ms ({@code 0} for no wait), all in at most {@code maxDuration}.
 * {@code streams = 0} turns it off (ready as soon as the server listens).
 */
public record WarmupConfig(int streams, int concurrency, Duration maxDuration, Duration jitSettle) {
  /** Measured in bench/README.md ("What moved the numbers"). */
  public static final WarmupConfig DEFAULT = new WarmupConfig(1200, 16, Duration.ofSeconds(15), Duration.ofMillis(20));
  /** What tests start by default: hundreds of gateways started by the suite need no warm JIT. */
  public static final WarmupConfig OFF = new WarmupConfig(0, 8, Duration.ofSeconds(15), Duration.ZERO);

  public WarmupConfig {
    Checks.notNegative("warmup.streams", streams);
    Checks.positive("warmup.concurrency", concurrency);
    Checks.notNegative("warmup.max-duration", maxDuration);
    Checks.notNegative("warmup.jit-settle", jitSettle);
  }

  public boolean enabled() {
    return streams > 0 && !maxDuration.isZero();
  }
}
