package io.llmgate.transport;

import io.llmgate.stream.Reasoning;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A client's chat request as {@link ChatRequestParser#read} asks for it: each field's value by the protocol's
 * name, and the parts whose form differs between the protocol's {@code llm:chat:stream} (the defaults: a
 * payload's own fields) and another API read into the same {@code ChatRequest}, OpenAI's. The values are
 * checked by the same rules whoever sent them, and refusals name the protocol's field.
 */
@FunctionalInterface
public interface ChatFields {
  /** The value of the field the protocol calls {@code field}, or null when the request has none. */
  Object get(String field);

  /** A message's role, by the protocol's names. */
  default Object role(JsonObject message) {
    return message.getValue("role");
  }

  /** An assistant message's {@code toolCalls}. */
  default Object toolCalls(JsonObject message) {
    return message.getValue("toolCalls");
  }

  /**
   * The object that holds a tool's name, description and parameters, a tool call's name and arguments, or
   * a named {@code toolChoice}'s name: in the protocol the tool, call or choice itself.
   */
  default JsonObject function(JsonObject toolOrCall) {
    return toolOrCall;
  }

  /** A tool message's {@code toolCallId}. */
  default Object toolCallId(JsonObject message) {
    return message.getValue("toolCallId");
  }

  /** An image part's {@code imageUrl}, {@code {url, detail?}}. */
  default Object imageUrl(JsonObject part) {
    return part.getValue("imageUrl");
  }

  /** A {@code json_schema} response format's {@code jsonSchema}. */
  default Object jsonSchema(JsonObject responseFormat) {
    return responseFormat.getValue("jsonSchema");
  }

  /** {@code reasoning}, the object {@code {effort?, budgetTokens?}} with at least one of them. */
  default Optional<Reasoning> reasoning() {
    return GenerationOptionsParser.reasoning(get("reasoning"));
  }

  /**
   * A reasoning of the values {@code effort} and {@code budgetTokens} have in the protocol (either may be
   * null), checked as the protocol's are; empty when both are null.
   */
  static Optional<Reasoning> reasoning(Object effort, Object budgetTokens) {
    return GenerationOptionsParser.reasoning(effort, budgetTokens);
  }
}
