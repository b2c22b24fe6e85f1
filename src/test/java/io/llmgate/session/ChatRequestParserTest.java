package io.llmgate.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
        "messages[0].role: \"wizard\" (expected: system, user or assistant)");
    assertInvalid(valid().put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", 3))),
        "messages[0].content: 3 (expected: a string or a non-empty array of parts)");
    assertInvalid(valid().put("maxTokens", -1), "maxTokens: -1 (expected: an integer > 0)");
    assertInvalid(valid().put("temperature", "hot"), "temperature: \"hot\" (expected: a number from 0 to 2)");
    assertInvalid(valid().put("fallback", new JsonArray().add(1)), "fallback: an array (expected: an array of provider names)");
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
