package io.llmgate.stream;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The output the caller wants instead of free text: any JSON object, or JSON matching {@code schema}
 * (OpenAI's {@code response_format}; plain {@code text} is the absence of one).
 */
public record ResponseFormat(Type type, String name, Optional<String> description, Map<String, Object> schema,
    Optional<Boolean> strict) {

  public enum Type {
    JSON_OBJECT,
    JSON_SCHEMA;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ResponseFormat {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    // Not Map.copyOf: a schema's key order is the order the model writes the properties in, and it may hold nulls.
    schema = Collections.unmodifiableMap(new LinkedHashMap<>(schema));
  }

  public static ResponseFormat jsonObject() {
    return new ResponseFormat(Type.JSON_OBJECT, "", Optional.empty(), Map.of(), Optional.empty());
  }

  public static ResponseFormat jsonSchema(String name, Optional<String> description, Map<String, Object> schema,
      Optional<Boolean> strict) {
    return new ResponseFormat(Type.JSON_SCHEMA, name, description, schema, strict);
  }
}
