package io.llmgate.session;

import io.llmgate.stream.ChatRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@code llm:chat:stream}: the chat to stream, and how long the client wants its stream kept running
 * after a disconnect ({@code resumeGraceMs}; at most the configured grace), which is the session's concern,
 * not the provider's.
 */
public record StartRequest(ChatRequest chat, Optional<Duration> resumeGrace) {
  public StartRequest {
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(resumeGrace, "resumeGrace");
  }
}
