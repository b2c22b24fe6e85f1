package io.llmgate.config;

import java.time.Duration;

/**
 * How long an upstream may take. {@code firstToken} runs from the request until the first text, reasoning
 * or finish frame, headers and SSE keep-alive comments included: DeepSeek holds a queued request open
 * with {@code : keep-alive} for up to ten minutes, and such comments must not re-arm any timer
 * (wire-formats.md §7.2). {@code idle} is the longest gap between frames once output flows; it does not
 * run while our own client has paused the stream. Defaults are generous so that reasoning models that
 * think for minutes are never cut off.
 */
public record UpstreamTimeouts(Duration connect, Duration firstToken, Duration idle) {
  public static final Duration DEFAULT_CONNECT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_FIRST_TOKEN = Duration.ofMinutes(10);
  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(2);
  public static final UpstreamTimeouts DEFAULT =
      new UpstreamTimeouts(DEFAULT_CONNECT, DEFAULT_FIRST_TOKEN, DEFAULT_IDLE);

  public UpstreamTimeouts {
    Settings.positive("timeouts.connect", connect);
    Settings.positive("timeouts.first-token", firstToken);
    Settings.positive("timeouts.idle", idle);
  }
}
