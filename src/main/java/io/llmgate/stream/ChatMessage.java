package io.llmgate.stream;

import java.util.Objects;

/** One message of the conversation sent to the model. */
public record ChatMessage(Role role, String content) {
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }
}
