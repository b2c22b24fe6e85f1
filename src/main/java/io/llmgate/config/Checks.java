package io.llmgate.config;

import java.time.Duration;

/** Start-up validation with messages that name the setting, the value and what was expected. */
final class Checks {
  private Checks() {}

  static void positive(String key, long value) {
    if (value <= 0) {
      throw new ConfigException(key + ": " + value + " (expected: > 0)");
    }
  }

  static void notNegative(String key, Duration value) {
    if (value.isNegative()) {
      throw new ConfigException(key + ": " + value + " (expected: >= 0)");
    }
  }

  static void port(String key, int value) {
    if (value < 0 || value > 65535) {
      throw new ConfigException(key + ": " + value + " (expected: 0..65535)");
    }
  }
}
