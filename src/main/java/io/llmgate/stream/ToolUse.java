package io.llmgate.stream;

import java.util.List;
import java.util.Optional;

/**
 * The tools a request offers the model, and how it may use them (protocol.md extension). {@code choice}
 * and {@code parallelCalls} are absent when the caller left them to the provider's default.
 */
public record ToolUse(List<ToolDefinition> tools, Optional<ToolChoice> choice, Optional<Boolean> parallelCalls) {
  public static final ToolUse NONE = new ToolUse(List.of(), Optional.empty(), Optional.empty());

  public ToolUse {
    tools = List.copyOf(tools);
  }

  public boolean offered() {
    return !tools.isEmpty();
  }
}
