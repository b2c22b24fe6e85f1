package io.llmgate.transport;

import static io.llmgate.transport.ChatRequestParser.describe;
import static io.llmgate.transport.ChatRequestParser.invalid;
import static io.llmgate.transport.ChatRequestParser.requireObject;
import static io.llmgate.transport.ChatRequestParser.requireString;

import io.llmgate.stream.ToolCall;
import io.llmgate.stream.ToolChoice;
import io.llmgate.stream.ToolDefinition;
import io.llmgate.stream.ToolUse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tool fields of {@code llm:chat:stream} (protocol.md extension): {@code tools}, {@code toolChoice},
 * {@code parallelToolCalls}, and an assistant message's {@code toolCalls}. Names follow OpenAI's rule, the
 * strictest of the providers (Gemini's is the same), so a request valid here is valid on each of them.
 */
final class ToolUseParser {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final String TOOL_SHAPE = "{name, description?, parameters?}";

  private ToolUseParser() {}

  static ToolUse toolUse(ChatFields fields) {
    List<ToolDefinition> tools = tools(fields.get("tools"), fields);
    Optional<ToolChoice> choice = choice(fields.get("toolChoice"), tools, fields);
    Object parallel = fields.get("parallelToolCalls");
    if (parallel != null && !(parallel instanceof Boolean)) {
      throw invalid("parallelToolCalls: " + describe(parallel) + " (expected: true or false)");
    }
    return new ToolUse(tools, choice, Optional.ofNullable((Boolean) parallel));
  }

  static List<ToolCall> toolCalls(JsonObject message, String field, ChatFields fields) {
    Object value = fields.toolCalls(message);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw invalid(field + ".toolCalls: " + describe(value) + " (expected: an array of {id, name, arguments})");
    }
    List<ToolCall> calls = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String at = field + ".toolCalls[" + i + "]";
      JsonObject call = requireObject(array.getValue(i), at);
      String id = requireString(call, "id", at + ".id");
      JsonObject function = fields.function(call);
      calls.add(new ToolCall(id, name(function, at), arguments(function.getValue("arguments"), at + ".arguments")));
    }
    return calls;
  }

  /**
   * A call's arguments as the model wrote them. They must be a JSON object, as every provider's tool input
   * is: Anthropic and Gemini take them as an object, so text that is not one could only be dropped there.
   */
  private static String arguments(Object value, String field) {
    if (value == null) {
      return "{}";
    }
    String expected = " (expected: the arguments as a JSON object in a string)";
    if (!(value instanceof String text)) {
      throw invalid(field + ": " + describe(value) + expected);
    }
    try {
      new JsonObject(text);
    } catch (DecodeException | ClassCastException notAnObject) {
      throw invalid(field + ": " + describe(text) + expected);
    }
    return text;
  }

  private static List<ToolDefinition> tools(Object value, ChatFields fields) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw invalid("tools: " + describe(value) + " (expected: an array of " + TOOL_SHAPE + ")");
    }
    List<ToolDefinition> tools = new ArrayList<>(array.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "tools[" + i + "]";
      JsonObject tool = fields.function(requireObject(array.getValue(i), at));
      String name = name(tool, at);
      if (!names.add(name)) {
        throw invalid(at + ".name: \"" + name + "\" (expected: a name no other tool has)");
      }
      Object description = tool.getValue("description");
      if (description != null && !(description instanceof String)) {
        throw invalid(at + ".description: " + describe(description) + " (expected: a string)");
      }
      Object parameters = tool.getValue("parameters");
      if (parameters != null && !(parameters instanceof JsonObject)) {
        throw invalid(at + ".parameters: " + describe(parameters) + " (expected: a JSON Schema object)");
      }
      tools.add(new ToolDefinition(name, Optional.ofNullable((String) description),
          parameters == null ? ToolDefinition.NO_PARAMETERS : ((JsonObject) parameters).encode()));
    }
    return tools;
  }

  private static Optional<ToolChoice> choice(Object value, List<ToolDefinition> tools, ChatFields fields) {
    if (value == null) {
      return Optional.empty();
    }
    String expected = " (expected: \"auto\", \"none\", \"required\" or {name} of one of tools)";
    if (value instanceof JsonObject named) {
      String name = requireString(fields.function(named), "name", "toolChoice.name");
      if (tools.stream().noneMatch(tool -> tool.name().equals(name))) {
        throw invalid("toolChoice.name: " + describe(name) + expected);
      }
      return Optional.of(ToolChoice.function(name));
    }
    for (ToolChoice.Mode mode : new ToolChoice.Mode[] {ToolChoice.Mode.AUTO, ToolChoice.Mode.NONE,
        ToolChoice.Mode.REQUIRED}) {
      if (mode.wire().equals(value)) {
        if (mode == ToolChoice.Mode.REQUIRED && tools.isEmpty()) {
          throw invalid("toolChoice: \"required\" with no tools (expected: tools to choose from)");
        }
        return Optional.of(ToolChoice.of(mode));
      }
    }
    throw invalid("toolChoice: " + describe(value) + expected);
  }

  private static String name(JsonObject json, String field) {
    String name = requireString(json, "name", field + ".name");
    if (!NAME.matcher(name).matches()) {
      throw invalid(field + ".name: " + describe(name) + " (expected: 1 to 64 letters, digits, _ or -)");
    }
    return name;
  }
}
