package io.llmgate.session;

import java.util.Objects;

/** An {@code llm:stream:cancel}: stop the user's stream {@code sessionId}. */
public record CancelRequest(String sessionId) {
  public CancelRequest {
    Objects.requireNonNull(sessionId, "sessionId");
  }
}
