package io.llmgate.stream;

import java.util.Locale;

/** Why generation stopped, normalized across providers (protocol.md {@code finishReason}). */
public enum FinishReason {
  STOP,
  LENGTH,
  TOOL_CALLS,
  CONTENT_FILTER,
  OTHER;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
