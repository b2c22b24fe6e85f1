package io.llmgate.transport.openai;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.transport.ErrorStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Failures in OpenAI's error shape, {@code {"error": {message, type, param, code}}}: {@code type} is
 * OpenAI's category, {@code code} llmgate's own error code (protocol.md), the same word every transport
 * uses. {@code x-should-retry} tells the official SDKs whether their automatic retry may help; without
 * it they retry every 409, 429 and 5xx, which would resend a request that can never succeed.
 */
final class OpenAiErrors {
  /** Not an error code of the protocol: a stream of this API that another client cancelled by its id. */
  static final String CANCELLED = "cancelled";

  private OpenAiErrors() {}

  static int status(ErrorCode code) {
    // OpenAI answers an unknown model with 404, and SDK users match on it.
    return code == ErrorCode.UNKNOWN_PROVIDER ? 404 : ErrorStatus.of(code);
  }

  static String type(ErrorCode code) {
    return switch (code) {
      case INVALID_REQUEST, UNKNOWN_PROVIDER, DUPLICATE_SESSION, NOT_FOUND, RESUME_GAP,
          CONTENT_FILTERED -> "invalid_request_error";
      case UNAUTHORIZED -> "authentication_error";
      case FORBIDDEN_ORIGIN -> "permission_error";
      case RATE_LIMITED, TOO_MANY_STREAMS, TOO_MANY_CONNECTIONS, UPSTREAM_RATE_LIMITED -> "rate_limit_error";
      case UPSTREAM_AUTH, UPSTREAM_UNAVAILABLE, UPSTREAM_ERROR, UPSTREAM_TRUNCATED, UPSTREAM_TIMEOUT, SHUTTING_DOWN, CLUSTER_UNAVAILABLE,
          NODE_LOST, INTERNAL -> "server_error";
    };
  }

  static JsonObject body(GatewayException failure) {
    return body(failure.getMessage(), type(failure.code()), failure.code().wire());
  }

  static JsonObject body(String message, String type, String code) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
        .putNull("param").put("code", code));
  }

  /** Answers with the failure's status, unless the client is gone or the stream already began. */
  static void reply(HttpServerResponse response, GatewayException failure) {
    reply(response, status(failure.code()), failure.retryable(), body(failure));
  }

  static void reply(HttpServerResponse response, int status, boolean retryable, JsonObject body) {
    if (response.headWritten() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("x-should-retry", String.valueOf(retryable))
        .end(body.encode());
  }
}
