package io.llmgate.transport.socketio;

import java.util.Objects;

/**
 * One decoded Socket.IO v5 packet.
 *
 * @param data {@code null} (no payload), a JsonObject (CONNECT, CONNECT_ERROR), a String
 *     (CONNECT_ERROR) or a JsonArray (EVENT and ACK kinds; binary values appear as Buffers once the
 *     attachments are in)
 * @param ackId {@link #NO_ACK} when the packet carries no ack id
 * @param attachments number of binary attachments that follow a BINARY_* packet
 */
record SocketIoPacket(Type type, String namespace, long ackId, Object data, int attachments) {

  static final long NO_ACK = -1;

  enum Type {
    CONNECT,
    DISCONNECT,
    EVENT,
    ACK,
    CONNECT_ERROR,
    BINARY_EVENT,
    BINARY_ACK;

    private static final Type[] BY_CODE = values();

    char code() {
      return (char) ('0' + ordinal());
    }

    boolean isBinary() {
      return this == BINARY_EVENT || this == BINARY_ACK;
    }

    static Type ofCode(char c) throws MalformedPacketException {
      int i = c - '0';
      if (i < 0 || i >= BY_CODE.length) {
        throw new MalformedPacketException("Socket.IO packet type: '" + c + "' (expected: 0-6)");
      }
      return BY_CODE[i];
    }
  }

  SocketIoPacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(namespace, "namespace");
  }

  boolean hasAckId() {
    return ackId >= 0;
  }
}
