package io.llmgate.session;

import java.util.Objects;

/** An {@code llm:stream:resume}: the user's stream {@code sessionId}, from the event after {@code lastIndex} (-1: all). */
public record ResumeRequest(String sessionId, long lastIndex) {
  public ResumeRequest {
    Objects.requireNonNull(sessionId, "sessionId");
  }
}
