package io.llmgate.provider.local;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** Expected SHA-256 digests in {@code sha256sum} output format: "hex, two spaces, file name" lines. */
final class Checksums {
  private final Map<String, String> digests;
  private final String source;

  private Checksums(Map<String, String> digests, String source) {
    this.digests = Map.copyOf(digests);
    this.source = source;
  }

  static Checksums parse(String text, String source) {
    Map<String, String> digests = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.strip().split("\\s+\\*?", 2);
      if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}")) {
        throw new ModelLoadException(source + ": line '" + line
            + "' (expected: 64 lowercase hex digits, spaces, a file name)");
      }
      digests.put(parts[1], parts[0]);
    }
    return new Checksums(digests, source);
  }

  /** Returns {@code bytes} when their SHA-256 is the one listed for {@code fileName}. */
  byte[] verify(String fileName, byte[] bytes) {
    String expected = digests.get(fileName);
    if (expected == null) {
      throw new ModelLoadException(source + ": no checksum for " + fileName
          + " (expected: one of " + digests.keySet() + ")");
    }
    String actual = sha256(bytes);
    if (!actual.equals(expected)) {
      throw new ModelLoadException("SHA-256 of " + fileName + ": " + actual + " (expected: "
          + expected + " from " + source + "); the file is damaged or was replaced");
    }
    return bytes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
