package io.llmgate.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One server-to-server caller ({@code auth.api-keys}, {@code auth.api-keys-file}, {@code LLMGATE_API_KEY}):
 * the SHA-256 of its key, the user id it acts as, and limits of its own in place of
 * {@code limits.messages-per-minute} and {@code limits.concurrent-streams}. Only the hash is held: the key
 * itself is never kept, logged or shown in an error.
 */
public record ApiKey(String user, String sha256, OptionalInt messagesPerMinute, OptionalInt concurrentStreams) {
  static final int MAX_USER_LENGTH = 256;
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public ApiKey {
    if (user.isBlank() || user.length() > MAX_USER_LENGTH) {
      throw new IllegalArgumentException("user: " + user.length() + " characters (expected: 1.." + MAX_USER_LENGTH + ")");
    }
    if (!isSha256Hex(sha256)) {
      throw new IllegalArgumentException("sha256: not 64 lowercase hex digits");
    }
  }

  /** A key with the default limits: {@code LLMGATE_API_KEY}, whose user is {@code api-key}. */
  public static ApiKey plain(String user, String key) {
    return new ApiKey(user, sha256Of(key), OptionalInt.empty(), OptionalInt.empty());
  }

  static boolean isSha256Hex(String text) {
    return SHA256_HEX.matcher(text).matches();
  }

  /** What {@code printf %s "$KEY" | sha256sum} prints. */
  public static String sha256Of(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
