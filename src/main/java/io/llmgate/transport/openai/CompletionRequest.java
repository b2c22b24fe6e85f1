package io.llmgate.transport.openai;

import static io.llmgate.session.ChatRequestParser.describe;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * An OpenAI {@code chat.completions} request turned into the protocol's {@code llm:chat:stream} payload,
 * which the stream service validates like any other (its messages name the same fields). Only what has no
 * counterpart here is refused up front: several choices, tools, non-text content parts. Fields that only
 * tune sampling on OpenAI's side ({@code top_p}, {@code seed} …) are ignored, as OpenAI-compatible
 * servers commonly do.
 */
record CompletionRequest(JsonObject payload, String model, boolean stream, boolean includeUsage) {

  static CompletionRequest parse(JsonObject body, String sessionId, ModelCatalog models) {
    String model = model(body.getValue("model"), models.defaultModel());
    ModelCatalog.Target target = models.resolve(model);
    JsonObject payload = new JsonObject().put("sessionId", sessionId).put("provider", target.provider())
        .put("messages", messages(body.getValue("messages")));
    target.model().ifPresent(name -> payload.put("model", name));
    copyIfPresent(body, "temperature", payload, "temperature");
    maxTokens(body).ifPresent(limit -> payload.put("maxTokens", limit));
    refuseUnsupported(body);
    return new CompletionRequest(payload, model, flag(body, "stream"), includeUsage(body.getValue("stream_options")));
  }

  private static String model(Object value, String fallback) {
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String name) || name.isBlank()) {
      throw invalid("model: " + describe(value) + " (expected: provider/model or a provider name, see GET /v1/models)");
    }
    return name;
  }

  /** OpenAI allows content as an array of parts; text parts are joined, other kinds are refused. */
  private static Object messages(Object value) {
    if (!(value instanceof JsonArray array)) {
      return value;
    }
    JsonArray mapped = new JsonArray();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      mapped.add(item instanceof JsonObject message ? message(message, "messages[" + i + "]") : item);
    }
    return mapped;
  }

  private static JsonObject message(JsonObject message, String field) {
    JsonObject copy = message.copy();
    if ("developer".equals(copy.getValue("role"))) {
      copy.put("role", "system");
    }
    if (copy.getValue("content") instanceof JsonArray parts) {
      copy.put("content", text(parts, field + ".content"));
    }
    return copy;
  }

  private static String text(JsonArray parts, String field) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      Object part = parts.getValue(i);
      if (!(part instanceof JsonObject json) || !"text".equals(json.getValue("type"))
          || !(json.getValue("text") instanceof String piece)) {
        Object type = part instanceof JsonObject json ? json.getValue("type") : part;
        throw invalid(field + "[" + i + "].type: " + describe(type) + " (expected: text)");
      }
      text.append(piece);
    }
    return text.toString();
  }

  private static Optional<Long> maxTokens(JsonObject body) {
    String field = body.containsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() <= 0) {
      throw invalid(field + ": " + describe(value) + " (expected: an integer > 0)");
    }
    return Optional.of(((Number) value).longValue());
  }

  private static void refuseUnsupported(JsonObject body) {
    Object n = body.getValue("n");
    if (n != null && !(n instanceof Number count && count.doubleValue() == 1)) {
      throw invalid("n: " + describe(n) + " (expected: 1)");
    }
    for (String field : new String[] {"tools", "functions"}) {
      if (body.getValue(field) instanceof JsonArray list && !list.isEmpty()) {
        throw invalid(field + ": not supported (expected: none)");
      }
    }
  }

  private static boolean flag(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof Boolean)) {
      throw invalid(field + ": " + describe(value) + " (expected: true or false)");
    }
    return Boolean.TRUE.equals(value);
  }

  private static boolean includeUsage(Object options) {
    if (options == null) {
      return false;
    }
    if (!(options instanceof JsonObject json)) {
      throw invalid("stream_options: " + describe(options) + " (expected: an object)");
    }
    return flag(json, "include_usage");
  }

  private static void copyIfPresent(JsonObject from, String field, JsonObject to, String as) {
    if (from.containsKey(field) && from.getValue(field) != null) {
      to.put(as, from.getValue(field));
    }
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, message);
  }
}
