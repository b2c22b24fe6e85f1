package io.llmgate.transport.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.ProvidersSettings;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.Providers;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm SDK's tool helpers (interop/openai-tools.test.mjs) through the gateway to
 * the real OpenAI provider, whose upstream is a fake replaying tool-call streams.
 */
class OpenAiSdkToolsInteropTest {
  private static TestGateway gateway;
  private static FakeUpstream upstream;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config, (vertx, providers) -> {
      upstream = FakeUpstream.start(vertx);
      providers.register(Providers.fromEnvironment(vertx, Map.of("OPENAI_API_KEY", "sk-test",
          "OPENAI_BASE_URL", upstream.baseUrl() + "/v1"), ProvidersSettings.fromJson(new JsonObject()))
          .require("openai"));
    });
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void officialSdkAssemblesStreamedCallsAndRunsAToolRoundTrip() throws Exception {
    upstream.enqueue(Reply.stream(Fixtures.bytes("openai-chat/synthetic/parallel-tool-calls-interleaved-utf8.sse"))
        .chunking(FakeUpstream.Chunking.RANDOM_1_TO_7, 0));
    upstream.enqueue(Reply.stream(Fixtures.bytes("openai-chat/parallel-tool-calls.sse")));
    upstream.enqueue(Reply.stream(Fixtures.bytes("openai-chat/text-with-usage.sse")));
    upstream.enqueue(Reply.stream(Fixtures.bytes("openai-chat/tool-call-with-usage.sse")));

    NodeTests.run("openai-tools.test.mjs", Map.of("LLMGATE_URL", gateway.url(),
        "LLMGATE_TOKEN", gateway.token("sdk-tools-user")));

    JsonObject streamed = upstream.takeRequest().json();
    assertThat(streamed.getJsonArray("tools")).extracting(t -> ((JsonObject) t).getJsonObject("function")
        .getString("name")).containsExactly("get_weather", "get_time");
    JsonObject firstTurn = upstream.takeRequest().json();
    assertThat(firstTurn.getJsonArray("messages")).hasSize(1);
    JsonArray secondTurn = upstream.takeRequest().json().getJsonArray("messages");
    assertThat(secondTurn.getJsonObject(1).getJsonArray("tool_calls")).extracting(c -> ((JsonObject) c).getString("id"))
        .containsExactly("call_q2UyBRP7eXNTzAoR8lEhjc9Z", "call_b51ijcpFkDiTQG1bQzsrmtW5");
    assertThat(secondTurn.getJsonObject(2)).isEqualTo(new JsonObject().put("role", "tool").put("content", "UK")
        .put("tool_call_id", "call_q2UyBRP7eXNTzAoR8lEhjc9Z"));
    assertThat(secondTurn.getJsonObject(3)).isEqualTo(new JsonObject().put("role", "tool").put("content", "Marmite")
        .put("tool_call_id", "call_b51ijcpFkDiTQG1bQzsrmtW5"));
    assertThat(upstream.takeRequest().json().getString("tool_choice")).isEqualTo("required");
  }
}
