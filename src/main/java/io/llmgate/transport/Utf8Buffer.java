package io.llmgate.transport;

import io.llmgate.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vertx.core.buffer.Buffer;

/**
 * The UTF-8 bytes of a frame's chars, encoded straight into the Buffer that goes to the socket. Vert.x's
 * {@code write(String)} needs the chars as a String, encodes them into a byte[] with {@code getBytes} and
 * copies that into a new Buffer: three copies per token where this makes one.
 */
final class Utf8Buffer {
  private Utf8Buffer() {}

  /** The bytes {@code text.toString().getBytes(UTF_8)} would give. */
  static Buffer encode(CharSequence text) {
    if (hasUnpairedSurrogate(text)) {
      // Netty writes a high surrogate before a non-surrogate as '?' plus that char's low byte, where the
      // JDK writes '?' and the char: the JDK keeps the bytes clients always got.
      return Buffer.buffer(text.toString());
    }
    // A Vert.x heap buffer, as Buffer.buffer(int) makes: a response sends it without another wrapper.
    int length = ByteBufUtil.utf8Bytes(text);
    ByteBuf bytes = VertxInternals.heapBuffer(length);
    // Exactly the length: writeUtf8 alone would first grow the buffer to three bytes per char.
    ByteBufUtil.reserveAndWriteUtf8(bytes, text, length);
    return VertxInternals.buffer(bytes);
  }

  private static boolean hasUnpairedSurrogate(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return true;
        }
        i++;
      }
    }
    return false;
  }
}
