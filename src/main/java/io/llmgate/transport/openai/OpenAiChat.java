package io.llmgate.transport.openai;

import io.llmgate.session.StartRequest;
import io.llmgate.stream.Reasoning;
import io.llmgate.transport.ChatFields;
import io.llmgate.transport.ChatRequestParser;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chat of an OpenAI {@code chat.completions} body as the protocol's reader asks for it, so the same
 * rules check its values: OpenAI's snake-case fields stand for the protocol's camel case, role
 * {@code developer} for {@code system}, and a tool's, a tool call's or a named tool choice's
 * {@code function} object holds what the protocol has in the tool, call or choice itself ({@link ToolFields}
 * checked those envelopes). The stream's id, provider and model come from the route; {@code system},
 * {@code fallback}, {@code metadata} and {@code resumeGraceMs} have no field here.
 *
 * @param effort {@code reasoning_effort}, or {@code none} for a disabled {@code thinking}
 * @param budgetTokens an enabled {@code thinking}'s {@code budget_tokens}
 */
record OpenAiChat(JsonObject body, String sessionId, ModelCatalog.Target target, Object effort,
    Object budgetTokens) implements ChatFields {
  /** The protocol's top-level fields read from a field of the body, and the name it has there. */
  private static final Map<String, String> FIELDS = Map.ofEntries(Map.entry("messages", "messages"),
      Map.entry("temperature", "temperature"), Map.entry("stop", "stop"), Map.entry("topP", "top_p"),
      Map.entry("seed", "seed"), Map.entry("presencePenalty", "presence_penalty"),
      Map.entry("frequencyPenalty", "frequency_penalty"), Map.entry("user", "user"),
      Map.entry("responseFormat", "response_format"), Map.entry("tools", "tools"),
      Map.entry("toolChoice", "tool_choice"), Map.entry("parallelToolCalls", "parallel_tool_calls"));
  private static final String TOOL_CALLS = "tool_calls";
  private static final String TOOL_CALL_ID = "tool_call_id";
  private static final String IMAGE_URL = "image_url";
  private static final String JSON_SCHEMA = "json_schema";
  /** The names of nested fields the reader's refusals name, as this API spells them (besides {@link #FIELDS}). */
  private static final Map<String, String> NESTED_NAMES = Map.of("jsonSchema", JSON_SCHEMA, "imageUrl", IMAGE_URL,
      "toolCalls", TOOL_CALLS, "toolCallId", TOOL_CALL_ID, "reasoning.effort", "reasoning_effort",
      "reasoning.budgetTokens", "thinking.budget_tokens");

  /**
   * The stream to start, or the refusal of its first fault. Its nesting is counted on the body; its size
   * needs no check, the body's limit ({@code 413}) being the request's.
   */
  StartRequest start() {
    ChatRequestParser.checkDepth(body);
    return new StartRequest(ChatRequestParser.read(this), Optional.empty());
  }

  @Override
  public Object get(String field) {
    return switch (field) {
      case "sessionId" -> sessionId;
      case "provider" -> target.provider();
      case "model" -> target.model().orElse(null);
      case "maxTokens" -> body.getValue(CompletionRequest.maxTokensField(body));
      default -> FIELDS.containsKey(field) ? body.getValue(FIELDS.get(field)) : null;
    };
  }

  @Override
  public Object role(JsonObject message) {
    Object role = message.getValue("role");
    return "developer".equals(role) ? "system" : role;
  }

  @Override
  public Object toolCalls(JsonObject message) {
    return message.getValue(TOOL_CALLS);
  }

  @Override
  public JsonObject function(JsonObject toolOrCall) {
    return toolOrCall.getJsonObject("function");
  }

  @Override
  public Object toolCallId(JsonObject message) {
    return message.getValue(TOOL_CALL_ID);
  }

  @Override
  public Object imageUrl(JsonObject part) {
    return part.getValue(IMAGE_URL);
  }

  @Override
  public Object jsonSchema(JsonObject responseFormat) {
    return responseFormat.getValue(JSON_SCHEMA);
  }

  @Override
  public Optional<Reasoning> reasoning() {
    return ChatFields.reasoning(effort, budgetTokens);
  }

  /**
   * {@code message} with the field it names as this API spells it: the reader's refusals and the stream
   * service's ({@code responseFormat: json_schema is not supported …}) name the protocol's fields
   * ({@code topP}, {@code responseFormat.jsonSchema.name}, …), this client sent OpenAI's.
   */
  static String inOpenAiNames(String message) {
    int end = message.indexOf(": ");
    if (end < 0) {
      return message;
    }
    String field = message.substring(0, end);
    for (Map<String, String> names : List.of(FIELDS, NESTED_NAMES)) {
      for (Map.Entry<String, String> name : names.entrySet()) {
        field = field.replace(name.getKey(), name.getValue());
      }
    }
    return field + message.substring(end);
  }
}
