package io.llmgate.transport.socketio;

import io.vertx.core.buffer.Buffer;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One Engine.IO v4 packet: a type and either text data or, for a binary MESSAGE, raw bytes. Pure
 * value with its text encodings; no I/O.
 */
final class EnginePacket {

  enum Type {
    OPEN,
    CLOSE,
    PING,
    PONG,
    MESSAGE,
    UPGRADE,
    NOOP;

    private static final Type[] BY_CODE = values();

    char code() {
      return (char) ('0' + ordinal());
    }

    static Type ofCode(char c) throws MalformedPacketException {
      int i = c - '0';
      if (i < 0 || i >= BY_CODE.length) {
        throw new MalformedPacketException("Engine.IO packet type: '" + c + "' (expected: 0-6)");
      }
      return BY_CODE[i];
    }
  }

  static final EnginePacket CLOSE = of(Type.CLOSE, "");
  static final EnginePacket PING = of(Type.PING, "");
  static final EnginePacket PONG = of(Type.PONG, "");
  static final EnginePacket NOOP = of(Type.NOOP, "");
  static final EnginePacket UPGRADE = of(Type.UPGRADE, "");

  private final Type type;
  // The text form, type code first, kept as it goes on the wire: sending a token copies no String.
  private final String frame;
  private final Buffer binary;

  private EnginePacket(Type type, String frame, Buffer binary) {
    this.type = type;
    this.frame = frame;
    this.binary = binary;
  }

  static EnginePacket of(Type type, String text) {
    return new EnginePacket(type, type.code() + Objects.requireNonNull(text, "text"), null);
  }

  static EnginePacket message(String text) {
    return of(Type.MESSAGE, text);
  }

  /**
   * A MESSAGE whose text {@code text} writes, straight after the type code: the hot path for token
   * events, built in one StringBuilder of about {@code sizeHint} chars and one String in all.
   */
  static EnginePacket message(int sizeHint, Consumer<StringBuilder> text) {
    StringBuilder frame = new StringBuilder(sizeHint + 1).append(Type.MESSAGE.code());
    text.accept(frame);
    return new EnginePacket(Type.MESSAGE, frame.toString(), null);
  }

  /** A MESSAGE from its whole text frame, type code first, as this process encoded it earlier (kept for recovery). */
  static EnginePacket encodedMessage(String frame) {
    return new EnginePacket(Type.MESSAGE, frame, null);
  }

  static EnginePacket binaryMessage(Buffer data) {
    return new EnginePacket(Type.MESSAGE, String.valueOf(Type.MESSAGE.code()), Objects.requireNonNull(data, "data"));
  }

  Type type() {
    return type;
  }

  /** The text data; empty for a binary message. */
  String text() {
    return frame.substring(1);
  }

  boolean isBinary() {
    return binary != null;
  }

  /** The bytes of a binary message; only valid when {@link #isBinary()}. */
  Buffer binary() {
    return binary;
  }

  /** Approximate size in bytes, for write-queue accounting. */
  int size() {
    return binary != null ? binary.length() : frame.length();
  }

  /** Text form: a WebSocket text frame, or one record of a polling payload when not binary. */
  String encodeText() {
    if (binary != null) {
      throw new IllegalStateException("binary message has no text form");
    }
    return frame;
  }

  /** One record of an HTTP long-polling payload: binary is "b" + base64. */
  String encodeForPolling() {
    return binary != null
        ? "b" + Base64.getEncoder().encodeToString(binary.getBytes())
        : encodeText();
  }

  /** Decodes a WebSocket text frame. */
  static EnginePacket decodeText(String frame) throws MalformedPacketException {
    if (frame.isEmpty()) {
      throw new MalformedPacketException("empty Engine.IO packet");
    }
    return new EnginePacket(Type.ofCode(frame.charAt(0)), frame, null);
  }

  /** Decodes one record of a polling payload. */
  static EnginePacket decodePolling(String record) throws MalformedPacketException {
    if (record.startsWith("b")) {
      try {
        return binaryMessage(Buffer.buffer(Base64.getDecoder().decode(record.substring(1))));
      } catch (IllegalArgumentException e) {
        throw new MalformedPacketException("binary Engine.IO packet: invalid base64");
      }
    }
    return decodeText(record);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnginePacket p
        && p.type == type
        && p.frame.equals(frame)
        && Objects.equals(p.binary, binary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, frame, binary);
  }

  @Override
  public String toString() {
    return binary != null ? type + "<" + binary.length() + " bytes>" : type + "'" + text() + "'";
  }
}
