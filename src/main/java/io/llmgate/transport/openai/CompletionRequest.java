package io.llmgate.transport.openai;

import static io.llmgate.transport.ChatRequestParser.describe;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;

/**
 * An OpenAI {@code chat.completions} request turned into the protocol's {@code llm:chat:stream} payload,
 * which the stream service validates like any other (its messages name the same fields): OpenAI's snake-case
 * names become the protocol's camel case, and tools and tool messages are translated by {@link ToolFields}.
 * Only what has no counterpart here is refused up front: several choices, the deprecated {@code functions},
 * content parts other than text and images.
 */
record CompletionRequest(JsonObject payload, String model, boolean stream, boolean includeUsage) {
  /** OpenAI's sampling fields and their protocol names; the stream service checks their values. */
  private static final Map<String, String> SAMPLING = Map.of("stop", "stop", "top_p", "topP", "seed", "seed",
      "presence_penalty", "presencePenalty", "frequency_penalty", "frequencyPenalty", "user", "user");
  private static final Map<String, String> OPENAI_NAMES = Map.ofEntries(Map.entry("topP", "top_p"),
      Map.entry("presencePenalty", "presence_penalty"), Map.entry("frequencyPenalty", "frequency_penalty"),
      Map.entry("responseFormat", "response_format"), Map.entry("jsonSchema", "json_schema"),
      Map.entry("reasoning.effort", "reasoning_effort"), Map.entry("reasoning.budgetTokens", "thinking.budget_tokens"), Map.entry("imageUrl", "image_url"),
      Map.entry("toolChoice", "tool_choice"), Map.entry("parallelToolCalls", "parallel_tool_calls"),
      Map.entry("toolCalls", "tool_calls"), Map.entry("toolCallId", "tool_call_id"));

  static CompletionRequest parse(JsonObject body, String sessionId, ModelCatalog models) {
    String model = model(body.getValue("model"), models.defaultModel());
    ModelCatalog.Target target = models.resolve(model);
    JsonObject payload = new JsonObject().put("sessionId", sessionId).put("provider", target.provider())
        .put("messages", messages(body.getValue("messages")));
    target.model().ifPresent(name -> payload.put("model", name));
    copyIfPresent(body, "temperature", payload, "temperature");
    maxTokens(body).ifPresent(limit -> payload.put("maxTokens", limit));
    SAMPLING.forEach((field, as) -> copyIfPresent(body, field, payload, as));
    responseFormat(body.getValue("response_format")).ifPresent(format -> payload.put("responseFormat", format));
    reasoning(body).ifPresent(reasoning -> payload.put("reasoning", reasoning));
    ToolFields.copy(body, payload);
    refuseUnsupported(body);
    return new CompletionRequest(payload, model, flag(body, "stream"), includeUsage(body.getValue("stream_options")));
  }

  /**
   * {@code message} with the field it names as this API spells it: the stream service's refusals name the
   * protocol's fields ({@code topP}, {@code responseFormat.jsonSchema.name}, …), this client sent OpenAI's.
   */
  static String inOpenAiNames(String message) {
    int end = message.indexOf(": ");
    if (end < 0) {
      return message;
    }
    String field = message.substring(0, end);
    for (Map.Entry<String, String> name : OPENAI_NAMES.entrySet()) {
      field = field.replace(name.getKey(), name.getValue());
    }
    return field + message.substring(end);
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

  /** OpenAI allows content as an array of parts: text and image parts go on in the protocol's form. */
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
      copy.put("content", parts(parts));
    }
    ToolFields.message(copy, field);
    return copy;
  }

  /** Only an image part changes: {@code image_url} becomes {@code imageUrl}. Other parts are checked later. */
  private static JsonArray parts(JsonArray parts) {
    JsonArray mapped = new JsonArray();
    for (Object part : parts) {
      if (part instanceof JsonObject json && json.containsKey("image_url")) {
        JsonObject image = json.copy();
        image.put("imageUrl", image.remove("image_url"));
        mapped.add(image);
      } else {
        mapped.add(part);
      }
    }
    return mapped;
  }

  /** {@code {type, json_schema: {…}}} becomes {@code {type, jsonSchema: {…}}}. */
  private static Optional<Object> responseFormat(Object value) {
    if (value instanceof JsonObject json && json.containsKey("json_schema")) {
      JsonObject format = json.copy();
      format.put("jsonSchema", format.remove("json_schema"));
      return Optional.of(format);
    }
    return Optional.ofNullable(value);
  }

  /**
   * {@code reasoning_effort}, and (extension) {@code thinking} in Anthropic's form, which LiteLLM-style clients
   * send to OpenAI-compatible servers: {@code {type: "enabled", budget_tokens}} asks for that budget,
   * {@code {type: "disabled"}} for no reasoning.
   */
  private static Optional<JsonObject> reasoning(JsonObject body) {
    JsonObject reasoning = new JsonObject();
    copyIfPresent(body, "reasoning_effort", reasoning, "effort");
    Object thinking = body.getValue("thinking");
    if (thinking == null) {
      return reasoning.isEmpty() ? Optional.empty() : Optional.of(reasoning);
    }
    Object type = thinking instanceof JsonObject json ? json.getValue("type") : null;
    if ("enabled".equals(type) && ((JsonObject) thinking).getValue("budget_tokens") != null) {
      reasoning.put("budgetTokens", ((JsonObject) thinking).getValue("budget_tokens"));
    } else if ("disabled".equals(type) && (reasoning.isEmpty() || "none".equals(reasoning.getValue("effort")))) {
      reasoning.put("effort", "none");
    } else {
      throw invalid("thinking: " + describe(thinking) + " (expected: {type: \"enabled\", budget_tokens} or"
          + " {type: \"disabled\"}, the latter with no reasoning_effort but none)");
    }
    return Optional.of(reasoning);
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

  private static void copyIfPresent(JsonObject from, String field, JsonObject to, String as) {
    if (from.containsKey(field) && from.getValue(field) != null) {
      to.put(as, from.getValue(field));
    }
  }

  static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, message);
  }
}
