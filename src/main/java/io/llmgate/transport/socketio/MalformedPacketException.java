package io.llmgate.transport.socketio;

/**
 * A peer sent bytes that are not a valid Engine.IO or Socket.IO packet. Expected in normal
 * operation (the protocol says: close the connection), so it carries no stack trace.
 */
final class MalformedPacketException extends Exception {

  MalformedPacketException(String message) {
    super(message, null, false, false);
  }
}
