package io.llmgate.transport.openai;

import static io.llmgate.transport.ChatRequestParser.describe;
import static io.llmgate.transport.openai.CompletionRequest.invalid;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The envelope OpenAI puts around tools and tool calls, {@code {type: "function", function: {…}}}, in
 * {@code tools}, a named {@code tool_choice} and assistant messages' {@code tool_calls}: checked here, at
 * once; what the {@code function} object holds ({@code name}, {@code description}, {@code parameters},
 * {@code arguments}) the protocol's reader checks as the protocol's tools and calls ({@link OpenAiChat}).
 * {@code strict} is OpenAI's own and is not passed on.
 */
final class ToolFields {
  private ToolFields() {}

  /** {@code tools}' and {@code tool_choice}'s envelopes; a {@code tools} that is no array the reader refuses. */
  static void check(JsonObject body) {
    if (body.getValue("tools") instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        typedFunction(list.getValue(i), "tools[" + i + "]");
      }
    }
    if (body.getValue("tool_choice") instanceof JsonObject named) {
      typedFunction(named, "tool_choice");
    }
  }

  /** The envelopes of each message's {@code tool_calls}, whatever its role; other faults are the reader's. */
  static void checkCalls(Object messages) {
    if (!(messages instanceof JsonArray array)) {
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      if (array.getValue(i) instanceof JsonObject message) {
        calls(message.getValue("tool_calls"), "messages[" + i + "]");
      }
    }
  }

  private static void calls(Object calls, String field) {
    if (calls instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        typedFunction(list.getValue(i), field + ".tool_calls[" + i + "]");
      }
    } else if (calls != null) {
      throw invalid(field + ".tool_calls: " + describe(calls) + " (expected: an array)");
    }
  }

  /** {@code {type:"function", function:{…}}}: OpenAI's only tool type. */
  private static void typedFunction(Object value, String field) {
    if (!(value instanceof JsonObject json)) {
      throw invalid(field + ": " + describe(value) + " (expected: an object)");
    }
    if (!"function".equals(json.getValue("type"))) {
      throw invalid(field + ".type: " + describe(json.getValue("type")) + " (expected: \"function\")");
    }
    if (!(json.getValue("function") instanceof JsonObject)) {
      throw invalid(field + ".function: " + describe(json.getValue("function")) + " (expected: an object)");
    }
  }
}
