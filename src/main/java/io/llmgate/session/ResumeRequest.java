package io.llmgate.session;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.json.JsonObject;

/** A validated {@code llm:stream:resume} payload: {@code { sessionId, lastIndex? }}, lastIndex -1 by default. */
record ResumeRequest(String sessionId, long lastIndex) {

  static ResumeRequest parse(ChatRequestParser parser, Object payload) {
    String sessionId = parser.sessionId(payload);
    Object value = ((JsonObject) payload).getValue("lastIndex");
    if (value == null) {
      return new ResumeRequest(sessionId, -1);
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < -1) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST,
          "lastIndex: " + ChatRequestParser.describe(value) + " (expected: an integer >= -1)");
    }
    return new ResumeRequest(sessionId, ((Number) value).longValue());
  }
}
