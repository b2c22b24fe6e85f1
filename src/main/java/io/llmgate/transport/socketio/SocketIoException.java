package io.llmgate.transport.socketio;

import io.vertx.core.VertxException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * An expected Socket.IO failure: an ack that timed out or a socket gone. Returned by an auth
 * handler, its message and {@link #data()} become the client's {@code connect_error}. No stack
 * trace: these happen in normal operation.
 */
public final class SocketIoException extends VertxException {

  private final JsonObject data;

  public SocketIoException(String message) {
    this(message, null);
  }

  /**
   * @param data extra details for the client's {@code connect_error.data}, or null
   */
  public SocketIoException(String message, JsonObject data) {
    super(message, true);
    this.data = data;
  }

  public Optional<JsonObject> data() {
    return Optional.ofNullable(data);
  }
}
