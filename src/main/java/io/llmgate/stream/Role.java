package io.llmgate.stream;

/** Who wrote a chat message. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT,
  /** The result of a tool call, sent back to the model. */
  TOOL;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
