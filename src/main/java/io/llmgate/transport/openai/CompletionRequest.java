package io.llmgate.transport.openai;

import static io.llmgate.transport.ChatRequestParser.describe;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An OpenAI {@code chat.completions} request: what only this API has is checked at once, before the
 * request counts against the rate limit (its {@code model}, the {@code function} envelopes of its tools
 * and tool calls, {@code max_tokens}, {@code thinking}, several choices, the deprecated {@code functions},
 * {@code stream} and {@code stream_options}); its chat, which the protocol's rules check, is read when the
 * stream service asks for it ({@link OpenAiChat}).
 */
record CompletionRequest(OpenAiChat chat, String model, boolean stream, boolean includeUsage) {
  static CompletionRequest parse(JsonObject body, String sessionId, ModelCatalog models) {
    String model = model(body.getValue("model"), models.defaultModel());
    ModelCatalog.Target target = models.resolve(model);
    ToolFields.checkCalls(body.getValue("messages"));
    checkMaxTokens(body);
    OpenAiChat chat = chat(body, sessionId, target);
    ToolFields.check(body);
    refuseUnsupported(body);
    return new CompletionRequest(chat, model, flag(body, "stream"), includeUsage(body.getValue("stream_options")));
  }

  /** {@code max_completion_tokens}, which replaced {@code max_tokens}, when the body has that key. */
  static String maxTokensField(JsonObject body) {
    return body.containsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
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

  /**
   * The chat with its reasoning: {@code reasoning_effort}, and (extension) {@code thinking} in Anthropic's
   * form, which LiteLLM-style clients send to OpenAI-compatible servers: {@code {type: "enabled",
   * budget_tokens}} asks for that budget, {@code {type: "disabled"}} for no reasoning.
   */
  private static OpenAiChat chat(JsonObject body, String sessionId, ModelCatalog.Target target) {
    Object effort = body.getValue("reasoning_effort");
    Object thinking = body.getValue("thinking");
    if (thinking == null) {
      return new OpenAiChat(body, sessionId, target, effort, null);
    }
    Object type = thinking instanceof JsonObject json ? json.getValue("type") : null;
    if ("enabled".equals(type) && ((JsonObject) thinking).getValue("budget_tokens") != null) {
      return new OpenAiChat(body, sessionId, target, effort, ((JsonObject) thinking).getValue("budget_tokens"));
    }
    if ("disabled".equals(type) && (effort == null || "none".equals(effort))) {
      return new OpenAiChat(body, sessionId, target, "none", null);
    }
    throw invalid("thinking: " + describe(thinking) + " (expected: {type: \"enabled\", budget_tokens} or"
        + " {type: \"disabled\"}, the latter with no reasoning_effort but none)");
  }

  /** An integer > 0; the protocol's reader then also refuses one past its {@code maxTokens} range. */
  private static void checkMaxTokens(JsonObject body) {
    String field = maxTokensField(body);
    Object value = body.getValue(field);
    if (value != null && (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() <= 0)) {
      throw invalid(field + ": " + describe(value) + " (expected: an integer > 0)");
    }
  }

  private static void refuseUnsupported(JsonObject body) {
    Object n = body.getValue("n");
    if (n != null && !(n instanceof Number count && count.doubleValue() == 1)) {
      throw invalid("n: " + describe(n) + " (expected: 1)");
    }
    if (body.getValue("functions") instanceof JsonArray list && !list.isEmpty()) {
      throw invalid("functions: not supported (expected: tools, which replaced it)");
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

  static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, message);
  }
}
