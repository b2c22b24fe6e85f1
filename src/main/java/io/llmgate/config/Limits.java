package io.llmgate.config;

import java.time.Duration;

/** Per-user limits of protocol.md. */
public record Limits(int messagesPerWindow, Duration window, int concurrentStreams, int maxRequestBytes) {
  public static final Limits DEFAULT = new Limits(60, Duration.ofMinutes(1), 8, 1 << 20);

  public Limits {
    Checks.positive("limits.messages-per-minute", messagesPerWindow);
    Checks.positive("limits.concurrent-streams", concurrentStreams);
    Checks.positive("limits.max-request-bytes", maxRequestBytes);
  }
}
