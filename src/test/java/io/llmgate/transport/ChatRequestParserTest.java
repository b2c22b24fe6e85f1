package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.ToolChoice;
import io.llmgate.stream.ToolDefinition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChatRequestParserTest {
  private final ChatRequestParser parser = new ChatRequestParser(4096);

  private static JsonObject valid() {
    return new JsonObject().put("sessionId", "s1").put("provider", "local")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  @Test
  void parsesTheOriginalPayloadAndExtensions() {
    ChatRequest request = parser.parse(valid().put("model", "m").put("system", "be brief").put("temperature", 0.5)
        .put("maxTokens", 20).put("fallback", new JsonArray().add("openai"))
        .put("metadata", new JsonObject().put("traceId", "t")));

    assertThat(request.sessionId()).isEqualTo("s1");
    assertThat(request.messages()).singleElement().satisfies(m -> assertThat(m.role()).isEqualTo(Role.USER));
    assertThat(request.model()).contains("m");
    assertThat(request.maxTokens()).hasValue(20);
    assertThat(request.temperature()).hasValue(0.5);
    assertThat(request.fallback()).containsExactly("openai");
    assertThat(request.metadata()).containsEntry("traceId", "t");
  }

  @Test
  void requestsNestedDeeperThan32LevelsAreRefusedBeforeTheyAreWalked() {
    Object deep = "x";
    for (int i = 0; i < 1000; i++) {
      deep = new JsonArray().add(deep);
    }
    assertInvalid(valid().put("metadata", new JsonObject().put("k", deep)),
        "request: nested deeper than 32 levels (expected: at most 32)");
  }

  @Test
  void eachInvalidFieldIsNamedWithWhatWasExpected() {
    assertInvalid("text", "request: \"text\" (expected: an object)");
    assertInvalid(null, "request: missing (expected: an object)");
    assertInvalid(valid().put("sessionId", ""), "sessionId: \"\" (expected: a non-empty string)");
    assertInvalid(valid().put("sessionId", "x".repeat(129)), "sessionId: 129 characters (expected: at most 128)");
    assertInvalid(valid().put("sessionId", 5), "sessionId: 5 (expected: a non-empty string)");
    assertInvalid(valid().putNull("provider"),
        "provider: missing (expected: a non-empty string)");
    assertInvalid(valid().put("messages", new JsonArray()), "messages: [] (expected: a non-empty array");
    assertInvalid(valid().put("messages", new JsonArray().add(new JsonObject().put("role", "wizard").put("content", "x"))),
        "messages[0].role: \"wizard\" (expected: system, user, assistant or tool)");
    assertInvalid(valid().put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", 3))),
        "messages[0].content: 3 (expected: a string or a non-empty array of parts)");
    assertInvalid(valid().put("maxTokens", -1), "maxTokens: -1 (expected: an integer > 0)");
    assertInvalid(valid().put("temperature", "hot"), "temperature: \"hot\" (expected: a number from 0 to 2)");
    assertInvalid(valid().put("fallback", new JsonArray().add(1)), "fallback: an array (expected: an array of provider names)");
  }

  @Test
  void parsesToolsToolChoiceAndAToolRoundTrip() {
    JsonObject schema = new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")));
    ChatRequest request = parser.parse(valid()
        .put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather").put("description", "Weather")
            .put("parameters", schema)).add(new JsonObject().put("name", "now")))
        .put("toolChoice", new JsonObject().put("name", "get_weather")).put("parallelToolCalls", false)
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "Weather in Paris?"))
            .add(new JsonObject().put("role", "assistant").putNull("content").put("toolCalls", new JsonArray()
                .add(new JsonObject().put("id", "call_1").put("name", "get_weather")
                    .put("arguments", "{\"city\":\"Paris\"}"))))
            .add(new JsonObject().put("role", "tool").put("toolCallId", "call_1").put("content", "18C"))));

    assertThat(request.tools().tools()).containsExactly(
        new ToolDefinition("get_weather", Optional.of("Weather"), schema.encode()),
        new ToolDefinition("now", Optional.empty(), ToolDefinition.NO_PARAMETERS));
    assertThat(request.tools().choice()).contains(ToolChoice.function("get_weather"));
    assertThat(request.tools().parallelCalls()).contains(false);
    assertThat(request.messages().get(1)).isEqualTo(ChatMessage.toolCalls("",
        List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))));
    assertThat(request.messages().get(2)).isEqualTo(ChatMessage.toolResult("call_1", "18C"));
    assertThat(request.needsTools()).isTrue();
    assertThat(parser.parse(valid()).needsTools()).isFalse();
  }

  @Test
  void eachInvalidToolFieldIsNamedWithWhatWasExpected() {
    JsonObject tool = new JsonObject().put("name", "f");
    assertInvalid(valid().put("tools", "f"), "tools: \"f\" (expected: an array of {name, description?, parameters?})");
    assertInvalid(valid().put("tools", new JsonArray().add(new JsonObject().put("name", "has space"))),
        "tools[0].name: \"has space\" (expected: 1 to 64 letters, digits, _ or -)");
    assertInvalid(valid().put("tools", new JsonArray().add(tool).add(tool)),
        "tools[1].name: \"f\" (expected: a name no other tool has)");
    assertInvalid(valid().put("tools", new JsonArray().add(tool.copy().put("parameters", "{}"))),
        "tools[0].parameters: \"{}\" (expected: a JSON Schema object)");
    assertInvalid(valid().put("tools", new JsonArray().add(tool)).put("toolChoice", "always"),
        "toolChoice: \"always\" (expected: \"auto\", \"none\", \"required\" or {name} of one of tools)");
    assertInvalid(valid().put("tools", new JsonArray().add(tool)).put("toolChoice", new JsonObject().put("name", "g")),
        "toolChoice.name: \"g\" (expected:");
    assertInvalid(valid().put("toolChoice", "required"), "toolChoice: \"required\" with no tools");
    assertInvalid(valid().put("parallelToolCalls", "yes"), "parallelToolCalls: \"yes\" (expected: true or false)");
    assertInvalid(valid().put("messages", new JsonArray().add(new JsonObject().put("role", "tool").put("content", "x"))),
        "messages[0].toolCallId: missing (expected: a non-empty string)");
    assertInvalid(valid().put("messages", new JsonArray().add(new JsonObject().put("role", "assistant")
            .put("toolCalls", new JsonArray().add(new JsonObject().put("id", "c").put("name", "f").put("arguments", 1))))),
        "messages[0].toolCalls[0].arguments: 1 (expected: the arguments as a JSON object in a string)");
    assertInvalid(valid().put("messages", new JsonArray().add(new JsonObject().put("role", "assistant")
            .put("toolCalls", new JsonArray().add(new JsonObject().put("id", "c").put("name", "f").put("arguments", "[1]"))))),
        "messages[0].toolCalls[0].arguments: \"[1]\" (expected: the arguments as a JSON object in a string)");
  }

  @Test
  void oversizedRequestIsRefusedWithoutEchoingIt() {
    JsonObject huge = valid().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "y".repeat(10_000))));
    assertThatThrownBy(() -> parser.parse(huge)).hasMessageMatching("request: \\d+ bytes \\(expected: at most 4096\\)");
  }

  private void assertInvalid(Object payload, String messageStart) {
    assertThatThrownBy(() -> parser.parse(payload))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageStartingWith(messageStart);
  }
}
