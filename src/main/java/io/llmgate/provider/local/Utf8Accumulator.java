package io.llmgate.provider.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns the bytes of successive tokens into text without ever splitting a character: a code point
 * whose bytes span tokens is held back until its last byte arrives. Malformed bytes become U+FFFD.
 */
final class Utf8Accumulator {
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  /** The text completed by {@code bytes}; empty while a character is still incomplete. */
  String append(byte[] bytes) {
    pending.write(bytes, 0, bytes.length);
    byte[] all = pending.toByteArray();
    int complete = completePrefixLength(all);
    pending.reset();
    pending.write(all, complete, all.length - complete);
    return new String(all, 0, complete, StandardCharsets.UTF_8);
  }

  /** Whatever is still held back, as U+FFFD, because no more bytes will come. */
  String flush() {
    String rest = new String(pending.toByteArray(), StandardCharsets.UTF_8);
    pending.reset();
    return rest;
  }

  /** Length of {@code bytes} without a trailing, still valid, start of a multi-byte sequence. */
  private static int completePrefixLength(byte[] bytes) {
    for (int back = 1; back <= Math.min(3, bytes.length); back++) {
      int b = bytes[bytes.length - back] & 0xff;
      if ((b & 0xC0) != 0x80) {
        return sequenceLength(b) > back ? bytes.length - back : bytes.length;
      }
    }
    return bytes.length;
  }

  private static int sequenceLength(int lead) {
    if (lead >= 0xC2 && lead <= 0xDF) {
      return 2;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
      return 3;
    }
    return lead >= 0xF0 && lead <= 0xF4 ? 4 : 1;
  }
}
