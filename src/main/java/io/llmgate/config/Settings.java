package io.llmgate.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one section of the configuration file, with messages that name the key, the value and what was
 * expected. Values are taken as written: {@code "3000"} is no integer and {@code 1.5} no byte count.
 * Unknown keys are refused, because a misspelt {@code fallbak:} that silently does nothing is worse than
 * a start-up error.
 */
final class Settings {

  private final JsonObject json;
  private final String path;

  Settings(JsonObject json, String path, Set<String> allowedKeys) {
    this(json, path);
    for (String key : json.fieldNames()) {
      if (!allowedKeys.contains(key)) {
        throw new ConfigException(key(key) + ": unknown key (" + Names.suggest(key, allowedKeys) + ")");
      }
    }
  }

  /** A section whose keys are names the caller checks itself ({@code providers:} names providers). */
  Settings(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  static void positive(String key, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new ConfigException(key + ": " + value + " (expected: a duration > 0)");
    }
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** Where this section sits, as error messages name it: {@code auth.api-keys[2]}. */
  String path() {
    return path;
  }

  /** The keys this section holds. */
  Set<String> keys() {
    return json.fieldNames();
  }

  boolean has(String name) {
    return json.getValue(name) != null;
  }

  Optional<String> text(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw wrong(name, value, "a non-empty string");
    }
    return Optional.of(text);
  }

  /** A string that may be a secret: a wrong one is refused without being shown. */
  Optional<String> secret(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new ConfigException(key(name) + ": not a non-empty string, value not shown (expected: a string)");
    }
    return Optional.of(text);
  }

  List<String> texts(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || !array.stream().allMatch(v -> v instanceof String s && !s.isBlank())) {
      throw wrong(name, value, "a list of names");
    }
    List<String> names = new ArrayList<>();
    array.forEach(v -> names.add((String) v));
    return List.copyOf(names);
  }

  /** One string or a list of them, as a list (e.g. the audiences a token may name). */
  List<String> textOrTexts(String name) {
    return json.getValue(name) instanceof String ? text(name).stream().toList() : texts(name);
  }

  int integer(String name, int fallback) {
    return scalar(name, fallback, Integer.class, "an integer");
  }

  boolean bool(String name, boolean fallback) {
    return scalar(name, fallback, Boolean.class, "true or false");
  }

  /** The value of {@code name} as YAML wrote it, if it is a {@code type}: no conversion from other types. */
  private <T> T scalar(String name, T fallback, Class<T> type, String expected) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!type.isInstance(value)) {
      throw wrong(name, value, expected);
    }
    return type.cast(value);
  }

  /** An integer or a decimal number, as {@code 0.8} or {@code 1}. */
  double number(String name, double fallback) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Double)) {
      throw wrong(name, value, "a number");
    }
    return ((Number) value).doubleValue();
  }

  Settings object(String name, Set<String> allowedKeys) {
    return new Settings(map(name), key(name), allowedKeys);
  }

  /** A map whose keys the caller checks, as {@link #keys()} tells them. */
  Settings namedObjects(String name) {
    return new Settings(map(name), key(name));
  }

  private JsonObject map(String name) {
    Object value = json.getValue(name);
    if (value != null && !(value instanceof JsonObject)) {
      throw wrong(name, value, "a map");
    }
    return value == null ? new JsonObject() : (JsonObject) value;
  }

  List<Settings> objects(String name, Set<String> allowedKeys) {
    Object value = json.getValue(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || !array.stream().allMatch(v -> v instanceof JsonObject)) {
      throw wrong(name, value, "a list of maps");
    }
    List<Settings> items = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      items.add(new Settings(array.getJsonObject(i), key(name) + "[" + i + "]", allowedKeys));
    }
    return items;
  }

  /** Accepts "30s", "500ms", "10m", "1h", or a bare number of milliseconds. */
  Duration duration(String name, Duration fallback) {
    Object value = json.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String || value instanceof Integer)) {
      throw wrong(name, value, Durations.EXPECTED);
    }
    return Durations.parse(key(name), String.valueOf(value));
  }

  private ConfigException wrong(String name, Object value, String expected) {
    return new ConfigException(key(name) + ": " + (value instanceof String ? "\"" + value + "\"" : value)
        + " (expected: " + expected + ")");
  }
}
