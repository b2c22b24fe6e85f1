package io.llmgate.config;

import java.time.Duration;

/**
 * How much of recent streams this node keeps for {@code llm:stream:resume}: ended streams for
 * {@code window}, at most {@code maxEventsPerStream} token/reasoning events of one stream (its newest) and
 * at most {@code maxCharsPerStream} characters of their text (the newest; the newest event always), and
 * at most {@code maxEvents} events of all streams together (the oldest streams are evicted first). A stream
 * whose client disconnected keeps running for {@code disconnectGrace} ({@code 0}: it is cancelled at once).
 */
public record ResumeConfig(Duration window, int maxEventsPerStream, int maxEvents, Duration disconnectGrace,
    int maxCharsPerStream) {
  public static final Duration DEFAULT_DISCONNECT_GRACE = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CHARS_PER_STREAM = 1_000_000;
  public static final ResumeConfig DEFAULT =
      new ResumeConfig(Duration.ofMinutes(5), 10_000, 250_000, DEFAULT_DISCONNECT_GRACE);

  /** With the default {@code max-chars-per-stream}. */
  public ResumeConfig(Duration window, int maxEventsPerStream, int maxEvents, Duration disconnectGrace) {
    this(window, maxEventsPerStream, maxEvents, disconnectGrace, DEFAULT_MAX_CHARS_PER_STREAM);
  }

  public ResumeConfig {
    Checks.notNegative("resume.window", window);
    Checks.notNegative("resume.disconnect-grace", disconnectGrace);
    Checks.positive("resume.max-events-per-stream", maxEventsPerStream);
    Checks.positive("resume.max-events", maxEvents);
    Checks.positive("resume.max-chars-per-stream", maxCharsPerStream);
  }
}
