package io.llmgate.transport.socketio;

/**
 * The acknowledgement callback a client passed with an event. Only the first call is sent; any
 * thread may call it.
 */
@FunctionalInterface
public interface Ack {

  /**
   * Sends the ack with these arguments (JsonObject, JsonArray, String, Number, Boolean, Buffer,
   * byte[], null).
   */
  void send(Object... args);
}
