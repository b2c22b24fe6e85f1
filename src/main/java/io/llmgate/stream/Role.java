package io.llmgate.stream;

/** Who wrote a chat message. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
