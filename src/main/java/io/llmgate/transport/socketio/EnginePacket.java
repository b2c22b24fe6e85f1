package io.llmgate.transport.socketio;

import io.vertx.core.buffer.Buffer;
import java.util.Base64;
import java.util.Objects;

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

  static final EnginePacket CLOSE = new EnginePacket(Type.CLOSE, "", null);
  static final EnginePacket PING = new EnginePacket(Type.PING, "", null);
  static final EnginePacket PONG = new EnginePacket(Type.PONG, "", null);
  static final EnginePacket NOOP = new EnginePacket(Type.NOOP, "", null);
  static final EnginePacket UPGRADE = new EnginePacket(Type.UPGRADE, "", null);

  private final Type type;
  private final String text;
  private final Buffer binary;

  private EnginePacket(Type type, String text, Buffer binary) {
    this.type = type;
    this.text = text;
    this.binary = binary;
  }

  static EnginePacket of(Type type, String text) {
    return new EnginePacket(type, Objects.requireNonNull(text, "text"), null);
  }

  static EnginePacket message(String text) {
    return of(Type.MESSAGE, text);
  }

  static EnginePacket binaryMessage(Buffer data) {
    return new EnginePacket(Type.MESSAGE, "", Objects.requireNonNull(data, "data"));
  }

  Type type() {
    return type;
  }

  /** The text data; empty for a binary message. */
  String text() {
    return text;
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
    return binary != null ? binary.length() : text.length() + 1;
  }

  /** Text form: a WebSocket text frame, or one record of a polling payload when not binary. */
  String encodeText() {
    if (binary != null) {
      throw new IllegalStateException("binary message has no text form");
    }
    return text.isEmpty() ? String.valueOf(type.code()) : type.code() + text;
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
    Type type = Type.ofCode(frame.charAt(0));
    return frame.length() == 1 ? of(type, "") : of(type, frame.substring(1));
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
        && p.text.equals(text)
        && Objects.equals(p.binary, binary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, text, binary);
  }

  @Override
  public String toString() {
    return binary != null ? type + "<" + binary.length() + " bytes>" : type + "'" + text + "'";
  }
}
