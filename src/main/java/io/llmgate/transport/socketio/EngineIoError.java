package io.llmgate.transport.socketio;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The HTTP errors of Engine.IO v4, with the codes and messages clients and the test suites expect.
 */
enum EngineIoError {
  TRANSPORT_UNKNOWN(0, "Transport unknown", 400),
  UNKNOWN_SID(1, "Session ID unknown", 400),
  BAD_HANDSHAKE_METHOD(2, "Bad handshake method", 400),
  BAD_REQUEST(3, "Bad request", 400),
  FORBIDDEN(4, "Forbidden", 403),
  UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", 400),
  PAYLOAD_TOO_LARGE(3, "Payload too large", 413),
  SHUTTING_DOWN(3, "Server shutting down", 503);

  private final int code;
  private final String message;
  private final int status;

  EngineIoError(int code, String message, int status) {
    this.code = code;
    this.message = message;
    this.status = status;
  }

  void respond(HttpServerResponse response) {
    if (response.ended()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
  }
}
