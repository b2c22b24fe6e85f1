package io.llmgate.transport;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The JSON object body of a POST, or an {@code invalid_request} failure that says what was wrong. */
public final class JsonBody {
  private JsonBody() {}

  /** Needs a {@code BodyHandler} before it on the route. */
  public static JsonObject of(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw invalid("body: missing (expected: a JSON object)");
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw invalid("body: not valid JSON (expected: a JSON object)");
    }
    if (value instanceof JsonObject json) {
      return json;
    }
    String kind = value instanceof JsonArray ? "an array" : value == null ? "null" : "a " + value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    throw invalid("body: " + kind + " (expected: a JSON object)");
  }

  /** What a {@code BodyHandler} refusal (status 413) means to the client. */
  public static GatewayException tooLarge(int maxBytes) {
    return invalid("request: more than " + maxBytes + " bytes (expected: at most " + maxBytes + ")");
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, message);
  }
}
