package io.llmgate.stream;

import java.util.Objects;
import java.util.Optional;

/**
 * A function the model may call. {@code parametersJson} is the caller's JSON Schema as JSON text, kept as
 * text so the request stays immutable and every provider receives exactly the schema it was given.
 */
public record ToolDefinition(String name, Optional<String> description, String parametersJson) {
  /** What a function without parameters declares (OpenAI's default when {@code parameters} is absent). */
  public static final String NO_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parametersJson, "parametersJson");
  }
}
