package io.llmgate.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one duration syntax of every setting: "30s", "20ms", "5m", "1h", or a bare number of milliseconds. */
public final class Durations {
  static final String EXPECTED = "a duration like 500ms, 30s, 10m";
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  private Durations() {}

  /** Parses {@code text}; a bad value fails with a message naming {@code key} and the expected form. */
  public static Duration parse(String key, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw wrong(key, text);
    }
    try {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2) == null ? "ms" : m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    } catch (ArithmeticException | NumberFormatException tooLong) {
      throw wrong(key, text);
    }
  }

  private static ConfigException wrong(String key, String text) {
    return new ConfigException(key + ": \"" + text + "\" (expected: " + EXPECTED + ")");
  }
}
