package io.llmgate.transport;

import static io.llmgate.transport.ChatRequestParser.describe;
import static io.llmgate.transport.ChatRequestParser.invalid;
import static io.llmgate.transport.ChatRequestParser.requireObject;

import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.Reasoning;
import io.llmgate.stream.ResponseFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The generation options of an {@code llm:chat:stream} payload (protocol.md extensions), with OpenAI's
 * ranges: {@code stop} (a string or up to 4), {@code topP} 0–1, {@code seed}, penalties −2–2, {@code user},
 * {@code responseFormat} and {@code reasoning}.
 */
final class GenerationOptionsParser {
  static final int MAX_STOP_SEQUENCES = 4;
  static final int MAX_USER_LENGTH = 256;
  private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private GenerationOptionsParser() {}

  static GenerationOptions parse(ChatFields fields) {
    return new GenerationOptions(
        stop(fields.get("stop")),
        number(fields, "topP", 0, 1),
        seed(fields.get("seed")),
        number(fields, "presencePenalty", -2, 2),
        number(fields, "frequencyPenalty", -2, 2),
        user(fields.get("user")),
        responseFormat(fields.get("responseFormat"), fields),
        fields.reasoning());
  }

  private static List<String> stop(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String single && !single.isEmpty()) {
      return List.of(single);
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_STOP_SEQUENCES
        || !array.stream().allMatch(s -> s instanceof String text && !text.isEmpty())) {
      throw invalid("stop: " + describe(value) + " (expected: a non-empty string or an array of at most "
          + MAX_STOP_SEQUENCES + " of them)");
    }
    List<String> sequences = new ArrayList<>();
    array.forEach(s -> sequences.add((String) s));
    return sequences;
  }

  private static OptionalDouble number(ChatFields fields, String field, int min, int max) {
    Object value = fields.get(field);
    if (value == null) {
      return OptionalDouble.empty();
    }
    if (!(value instanceof Number number) || !(number.doubleValue() >= min && number.doubleValue() <= max)) {
      throw invalid(field + ": " + describe(value) + " (expected: a number from " + min + " to " + max + ")");
    }
    return OptionalDouble.of(number.doubleValue());
  }

  private static OptionalLong seed(Object value) {
    if (value == null) {
      return OptionalLong.empty();
    }
    // 32 bits: Gemini's seed is an int32, and OpenAI's docs show no wider one.
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() != ((Number) value).intValue()) {
      throw invalid("seed: " + describe(value) + " (expected: an integer from " + Integer.MIN_VALUE + " to "
          + Integer.MAX_VALUE + ")");
    }
    return OptionalLong.of(((Number) value).longValue());
  }

  private static Optional<String> user(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String id) || id.isEmpty() || id.length() > MAX_USER_LENGTH) {
      throw invalid("user: " + describe(value) + " (expected: a non-empty string of at most " + MAX_USER_LENGTH
          + " characters)");
    }
    return Optional.of(id);
  }

  /** {@code {type: text | json_object | json_schema, jsonSchema: {name, description?, schema?, strict?}}}. */
  private static Optional<ResponseFormat> responseFormat(Object value, ChatFields fields) {
    if (value == null) {
      return Optional.empty();
    }
    Object type = requireObject(value, "responseFormat").getValue("type");
    if ("text".equals(type)) {
      return Optional.empty();
    }
    if ("json_object".equals(type)) {
      return Optional.of(ResponseFormat.jsonObject());
    }
    if (!"json_schema".equals(type)) {
      throw invalid("responseFormat.type: " + describe(type) + " (expected: text, json_object or json_schema)");
    }
    return Optional.of(jsonSchema(requireObject(fields.jsonSchema((JsonObject) value), "responseFormat.jsonSchema")));
  }

  private static ResponseFormat jsonSchema(JsonObject json) {
    Object name = json.getValue("name");
    if (!(name instanceof String text) || !SCHEMA_NAME.matcher(text).matches()) {
      throw invalid("responseFormat.jsonSchema.name: " + describe(name) + " (expected: 1 to 64 of a-z, A-Z, 0-9, _ and -)");
    }
    Object description = json.getValue("description");
    if (description != null && !(description instanceof String)) {
      throw invalid("responseFormat.jsonSchema.description: " + describe(description) + " (expected: a string)");
    }
    Object schema = json.getValue("schema");
    Map<String, Object> schemaMap = schema == null ? Map.of()
        : plain(requireObject(schema, "responseFormat.jsonSchema.schema"));
    Object strict = json.getValue("strict");
    if (strict != null && !(strict instanceof Boolean)) {
      throw invalid("responseFormat.jsonSchema.strict: " + describe(strict) + " (expected: true or false)");
    }
    return ResponseFormat.jsonSchema(text, Optional.ofNullable((String) description), schemaMap,
        Optional.ofNullable((Boolean) strict));
  }

  /**
   * The schema as plain maps and lists in their order (nulls kept), which any JSON mapper writes back as it
   * came; the payload's own objects may be Vert.x wrappers, which only Vert.x knows how to encode.
   */
  private static Map<String, Object> plain(JsonObject json) {
    Map<String, Object> map = new LinkedHashMap<>();
    json.forEach(entry -> map.put(entry.getKey(), plainValue(entry.getValue())));
    return map;
  }

  private static Object plainValue(Object value) {
    if (value instanceof JsonObject object) {
      return plain(object);
    }
    if (value instanceof JsonArray array) {
      List<Object> list = new ArrayList<>(array.size());
      array.forEach(item -> list.add(plainValue(item)));
      return list;
    }
    return value;
  }

  /** {@code {effort?: none | minimal | low | medium | high, budgetTokens?: integer >= 0}}, at least one. */
  static Optional<Reasoning> reasoning(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    JsonObject json = requireObject(value, "reasoning");
    Optional<Reasoning> reasoning = reasoning(json.getValue("effort"), json.getValue("budgetTokens"));
    if (reasoning.isEmpty()) {
      throw invalid("reasoning: {} (expected: effort, budgetTokens or both)");
    }
    return reasoning;
  }

  static Optional<Reasoning> reasoning(Object effortValue, Object budgetValue) {
    Optional<Reasoning.Effort> effort = effort(effortValue);
    OptionalInt budget = budget(budgetValue);
    return effort.isEmpty() && budget.isEmpty() ? Optional.empty() : Optional.of(new Reasoning(effort, budget));
  }

  private static Optional<Reasoning.Effort> effort(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    for (Reasoning.Effort effort : Reasoning.Effort.values()) {
      if (effort.wire().equals(value)) {
        return Optional.of(effort);
      }
    }
    throw invalid("reasoning.effort: " + describe(value) + " (expected: none, minimal, low, medium or high)");
  }

  private static OptionalInt budget(Object value) {
    if (value == null) {
      return OptionalInt.empty();
    }
    if (!(value instanceof Integer budget) || budget < 0) {
      throw invalid("reasoning.budgetTokens: " + describe(value) + " (expected: an integer >= 0)");
    }
    return OptionalInt.of(budget);
  }
}
