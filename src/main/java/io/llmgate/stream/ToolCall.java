package io.llmgate.stream;

import java.util.Objects;

/**
 * A function call the model made, whole: {@code arguments} is the JSON text the model wrote (usually an
 * object), passed on as written since a model may emit JSON that does not parse.
 */
public record ToolCall(String id, String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
