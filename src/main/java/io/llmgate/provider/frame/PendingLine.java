package io.llmgate.provider.frame;

import java.util.Arrays;

/**
 * The bytes of a line cut across network reads, gathered until its line break arrives, for a decoder that
 * splits a body into lines. Bounded: a line longer than {@code maxBytes} is an upstream gone wrong, not
 * data worth holding in memory, and fails with {@link IllegalStateException} naming the limit.
 */
public final class PendingLine {
  private final String what;
  private final int maxBytes;
  private byte[] bytes = new byte[512];
  private int length;

  /** {@code what} names the line in the failure: {@code "SSE line"}. */
  public PendingLine(String what, int maxBytes) {
    this.what = what;
    this.maxBytes = maxBytes;
  }

  /** The gathered bytes: {@link #length()} of them from 0, readable until the next {@link #append}. */
  public byte[] bytes() {
    return bytes;
  }

  public int length() {
    return length;
  }

  /** Adds {@code count} bytes of {@code from} at {@code offset}; fails when the line grows over the limit. */
  public void append(byte[] from, int offset, int count) {
    if (count == 0) {
      return;
    }
    check(length + count);
    if (length + count > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
    }
    System.arraycopy(from, offset, bytes, length, count);
    length += count;
  }

  /** Fails when a line of {@code lineBytes} is over the limit: the same limit for a line never gathered. */
  public void check(int lineBytes) {
    if (lineBytes > maxBytes) {
      throw new IllegalStateException(
          what + ": over " + maxBytes + " bytes without a line break (expected: at most " + maxBytes + ")");
    }
  }

  /** The gathered length, the line now empty again; its bytes stay readable until the next append. */
  public int take() {
    int taken = length;
    length = 0;
    return taken;
  }
}
