package io.llmgate.transport.openai;

import static io.llmgate.transport.ChatRequestParser.describe;
import static io.llmgate.transport.openai.CompletionRequest.invalid;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI's tool fields in the protocol's form: {@code tools[{type:"function", function:{name, description,
 * parameters}}]} become {@code tools[{name, description, parameters}]}, {@code tool_choice} becomes
 * {@code toolChoice} ({@code {type:"function", function:{name}}} becomes {@code {name}}),
 * {@code parallel_tool_calls} {@code parallelToolCalls}; an assistant message's {@code tool_calls}
 * become {@code toolCalls[{id, name, arguments}]} and a tool message's {@code tool_call_id}
 * {@code toolCallId}. Only the envelope is checked here; the stream service validates the rest and
 * names the protocol field. {@code strict} is OpenAI's own and is not passed on.
 */
final class ToolFields {
  private ToolFields() {}

  static void copy(JsonObject body, JsonObject payload) {
    Object tools = body.getValue("tools");
    if (tools instanceof JsonArray list) {
      JsonArray mapped = new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        mapped.add(function(list.getValue(i), "tools[" + i + "]"));
      }
      payload.put("tools", mapped);
    } else if (tools != null) {
      payload.put("tools", tools); // the parser names what is wrong with it
    }
    Object choice = body.getValue("tool_choice");
    if (choice != null) {
      payload.put("toolChoice", choice instanceof JsonObject named ? namedChoice(named) : choice);
    }
    if (body.containsKey("parallel_tool_calls") && body.getValue("parallel_tool_calls") != null) {
      payload.put("parallelToolCalls", body.getValue("parallel_tool_calls"));
    }
  }

  /** Renames an assistant message's {@code tool_calls} and a tool message's {@code tool_call_id}, in place. */
  static void message(JsonObject message, String field) {
    Object calls = message.remove("tool_calls");
    if (calls instanceof JsonArray list) {
      JsonArray mapped = new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        mapped.add(call(list.getValue(i), field + ".tool_calls[" + i + "]"));
      }
      message.put("toolCalls", mapped);
    } else if (calls != null) {
      throw invalid(field + ".tool_calls: " + describe(calls) + " (expected: an array)");
    }
    if (message.containsKey("tool_call_id")) {
      message.put("toolCallId", message.remove("tool_call_id"));
    }
  }

  private static JsonObject function(Object tool, String field) {
    JsonObject function = typedFunction(tool, field);
    JsonObject mapped = new JsonObject().put("name", function.getValue("name"));
    for (String key : new String[] {"description", "parameters"}) {
      if (function.getValue(key) != null) {
        mapped.put(key, function.getValue(key));
      }
    }
    return mapped;
  }

  private static Object namedChoice(JsonObject choice) {
    return new JsonObject().put("name", typedFunction(choice, "tool_choice").getValue("name"));
  }

  private static JsonObject call(Object value, String field) {
    JsonObject function = typedFunction(value, field);
    return new JsonObject().put("id", ((JsonObject) value).getValue("id")).put("name", function.getValue("name"))
        .put("arguments", function.getValue("arguments"));
  }

  /** {@code {type:"function", function:{…}}}'s inner object: OpenAI's only tool type. */
  private static JsonObject typedFunction(Object value, String field) {
    if (!(value instanceof JsonObject json)) {
      throw invalid(field + ": " + describe(value) + " (expected: an object)");
    }
    if (!"function".equals(json.getValue("type"))) {
      throw invalid(field + ".type: " + describe(json.getValue("type")) + " (expected: \"function\")");
    }
    if (!(json.getValue("function") instanceof JsonObject function)) {
      throw invalid(field + ".function: " + describe(json.getValue("function")) + " (expected: an object)");
    }
    return function;
  }
}
