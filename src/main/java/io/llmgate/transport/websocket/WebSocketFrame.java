package io.llmgate.transport.websocket;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.transport.ChatRequestParser;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** One {@code {"event": NAME, "data": PAYLOAD}} text frame of the plain WebSocket transport. */
record WebSocketFrame(String event, Object data) {

  static WebSocketFrame parse(String text) {
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      value = null;
    }
    if (!(value instanceof JsonObject json)) {
      throw invalid("frame: not a JSON object (expected: {\"event\": NAME, \"data\": PAYLOAD})");
    }
    Object event = json.getValue("event");
    if (!(event instanceof String name) || name.isEmpty()) {
      throw invalid("frame.event: " + ChatRequestParser.describe(event) + " (expected: an event name)");
    }
    return new WebSocketFrame(name, json.getValue("data"));
  }

  /** {@code data} is already JSON (an event payload from {@code EventJson}): spliced in, not re-encoded. */
  static String encode(String event, String data) {
    return "{\"event\":\"" + event + "\",\"data\":" + data + "}";
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, message);
  }
}
