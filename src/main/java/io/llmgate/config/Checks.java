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

  static void positive(String key, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new ConfigException(key + ": " + value + " (expected: > 0)");
    }
  }

  static void httpUrl(String key, java.net.URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme();
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new ConfigException(key + ": " + url + " (expected: an absolute http:// or https:// URL)");
    }
  }

  static void notNegative(String key, long value) {
    if (value < 0) {
      throw new ConfigException(key + ": " + value + " (expected: >= 0)");
    }
  }

  static void notNegative(String key, Duration value) {
    if (value.isNegative()) {
      throw new ConfigException(key + ": " + value + " (expected: >= 0)");
    }
  }

  /**
   * An HS256 secret shorter than the hash's 32 bytes is guessable offline from one captured token (RFC 7518
   * §3.2 requires at least 256 bits), and words such as {@code secret} are the first an attacker tries.
   */
  static void jwtSecret(String key, String secret) {
    int bytes = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes < MIN_SECRET_BYTES) {
      throw new ConfigException(key + ": " + bytes + " bytes (expected: at least " + MIN_SECRET_BYTES
          + " random bytes, e.g. the output of `openssl rand -base64 32`)");
    }
  }

  static final int MIN_SECRET_BYTES = 32;

  static int port(String key, int value) {
    if (value < 0 || value > 65535) {
      throw new ConfigException(key + ": " + value + " (expected: 0..65535)");
    }
    return value;
  }
}
