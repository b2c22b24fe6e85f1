package io.llmgate.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.provider.AbstractProviderContractTest;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.TestKeys;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Role;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.ToolUse;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AnthropicContractTest extends AbstractProviderContractTest {

  @Override
  protected String name() {
    return "claude";
  }

  @Override
  protected ChatProvider provider(String baseUrl, UpstreamTimeouts timeouts) {
    return new AnthropicProvider(http, new ProviderEndpoint("claude", baseUrl, Optional.of(TestKeys.KEY),
        AnthropicProvider.DEFAULT_MODEL, List.of(), timeouts), RequestHook.NONE);
  }

  @Override
  protected String expectedUri(String model) {
    return "/v1/messages";
  }

  @Override
  protected void assertRequestMapping(Recorded request) {
    assertThat(request.headers().get("x-api-key")).isEqualTo(TestKeys.KEY);
    assertThat(request.headers().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(request.headers().get("authorization")).isNull();
    JsonObject body = request.json();
    assertThat(body.getString("model")).isEqualTo("claude-sonnet-4-5");
    assertThat(body.getInteger("max_tokens")).isEqualTo(64);
    assertThat(body.getString("system")).isEqualTo("Answer briefly.");
    assertThat(body.getJsonArray("messages").encode())
        .isEqualTo("[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]");
    assertThat(body.getDouble("temperature")).isEqualTo(0.5);
    assertThat(body.getBoolean("stream")).isTrue();
  }

  @Override
  protected StreamFixture textStream() {
    return new StreamFixture("anthropic/text.sse", "claude-sonnet-4-5-20250929",
        List.of("-", " Captain", "\n- Sc", "oop"), List.of(), FinishReason.STOP, Optional.of(new Usage(17, 10)));
  }

  @Override
  protected Optional<StreamFixture> reasoningStream() {
    String file = "anthropic/thinking.sse";
    return Optional.of(new StreamFixture(file, "claude-haiku-4-5-20251001", deltas(file, "text_delta", "text"),
        deltas(file, "thinking_delta", "thinking"), FinishReason.STOP, Optional.of(new Usage(46, 133))));
  }

  /** Text, then server-tool blocks (skipped with their input), then a tool_use whose input streams. */
  @Override
  protected ToolFixture toolCallStream() {
    return ToolFixture.of("anthropic/text-then-tool-use-with-input-json.sse", FinishReason.TOOL_CALLS,
        new Call(Optional.of("toolu_01EFn5wTNBYA8Reni8rbmnHT"), "get_exchange_rate",
            "{\"from_currency\": \"USD\", \"to_currency\": \"EUR\"}"));
  }

  @Override
  protected void assertToolRequestMapping(JsonObject body) {
    assertThat(body.getJsonArray("tools")).isEqualTo(new JsonArray().add(new JsonObject().put("name", "get_weather")
        .put("description", "Current weather").put("input_schema", new JsonObject(WEATHER_SCHEMA))));
    assertThat(body.getJsonObject("tool_choice")).isEqualTo(new JsonObject().put("type", "tool")
        .put("name", "get_weather").put("disable_parallel_tool_use", true));
    assertThat(body.getJsonArray("messages")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "Weather in Paris?"))
        .add(new JsonObject().put("role", "assistant").put("content", new JsonArray().add(new JsonObject()
            .put("type", "tool_use").put("id", "call_1").put("name", "get_weather")
            .put("input", new JsonObject().put("city", "Paris")))))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray().add(new JsonObject()
            .put("type", "tool_result").put("tool_use_id", "call_1").put("content", "{\"celsius\":18}")))));
  }

  @Test
  void toolUseBlocksWithoutInputGetEmptyObjectArgumentsAndTheirOwnIndexes() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("anthropic/tool-use-parallel-empty-input.sse")));
    List<UpstreamEvent.ToolCallDelta> deltas = stream(provider()).awaitEnd().ofKind(UpstreamEvent.ToolCallDelta.class);
    assertThat(deltas).containsExactly(
        new UpstreamEvent.ToolCallDelta(0, Optional.of("toolu_01LtHJmixrs9NcWQkK8hu8hj"),
            Optional.of("pelican_name_generator"), ""),
        new UpstreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "{}"),
        new UpstreamEvent.ToolCallDelta(1, Optional.of("toolu_01N8a4jWyf116qKTMqKKmjyt"),
            Optional.of("pelican_name_generator"), ""),
        new UpstreamEvent.ToolCallDelta(1, Optional.empty(), Optional.empty(), "{}"));
  }

  @Test
  void consecutiveToolResultsShareOneUserTurnAndTextRidesWithTheCalls() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("anthropic/text.sse")));
    ChatRequest base = toolRequest();
    List<ChatMessage> messages = List.of(base.messages().get(0),
        ChatMessage.toolCalls("Checking both.", List.of(new ToolCall("c1", "get_weather", "{}"),
            new ToolCall("c2", "get_weather", "{\"city\":\"Oslo\"}"))),
        ChatMessage.toolResult("c1", "18"), ChatMessage.toolResult("c2", "3"));
    ChatRequest request = new ChatRequest(base.sessionId(), base.provider(), messages, Optional.empty(),
        Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), List.of(), Map.of(), GenerationOptions.DEFAULT,
        new ToolUse(base.tools().tools(), Optional.empty(), Optional.empty()));
    io.llmgate.provider.Recorder.open(vertx, provider(), request).awaitEnd();
    JsonObject body = upstream.takeRequest().json();
    assertThat(body.containsKey("tool_choice")).as("no choice, parallel calls left on").isFalse();
    JsonArray sent = body.getJsonArray("messages");
    assertThat(sent.getJsonObject(1).getJsonArray("content").getJsonObject(0))
        .isEqualTo(new JsonObject().put("type", "text").put("text", "Checking both."));
    assertThat(sent).hasSize(3);
    assertThat(sent.getJsonObject(2).getJsonArray("content")).extracting(b -> ((JsonObject) b).getString("tool_use_id"))
        .containsExactly("c1", "c2");
  }

  @Test
  void aToolUseBlockWithoutANameIsAMalformedStream() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("anthropic/synthetic/tool-use-without-name.sse")));
    GatewayException failure = stream(provider()).awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
    assertThat(failure.getMessage()).isEqualTo(
        "claude: malformed frame content_block_start (expected: a tool_use block with index, id and name)");
  }

  /** Non-empty {@code delta.<field>} of the given delta type, read with plain JSON. */
  private static List<String> deltas(String file, String type, String field) {
    List<String> values = new ArrayList<>();
    for (String payload : Fixtures.dataPayloads(file)) {
      JsonObject delta = new JsonObject(payload).getJsonObject("delta");
      if (delta != null && type.equals(delta.getString("type")) && !delta.getString(field).isEmpty()) {
        values.add(delta.getString(field));
      }
    }
    return values;
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase(400, "anthropic/reconstructed/http-400-invalid-request.json", ErrorCode.UPSTREAM_ERROR, false),
        new ErrorCase(401, "anthropic/reconstructed/http-401-authentication-error.json", ErrorCode.UPSTREAM_AUTH, false),
        new ErrorCase(404, "anthropic/reconstructed/http-404-not-found.json", ErrorCode.UPSTREAM_ERROR, false),
        new ErrorCase(429, "anthropic/reconstructed/http-429-rate-limit.json", ErrorCode.UPSTREAM_RATE_LIMITED, true),
        new ErrorCase(529, "anthropic/reconstructed/http-529-overloaded.json", ErrorCode.UPSTREAM_UNAVAILABLE, true));
  }

  @Override
  protected Optional<ErrorCase> midStreamError() {
    return Optional.of(new ErrorCase(200, "anthropic/synthetic/midstream-overloaded-after-text.sse",
        ErrorCode.UPSTREAM_UNAVAILABLE, true));
  }

  @Override
  protected byte[] textFrame(String text) {
    JsonObject event = new JsonObject().put("type", "content_block_delta").put("index", 0)
        .put("delta", new JsonObject().put("type", "text_delta").put("text", text));
    return ("event: content_block_delta\ndata: " + event.encode() + "\n\n").getBytes();
  }

  @Test
  void mapsStopReasonMaxTokensToLength() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("anthropic/synthetic/stop-max-tokens.sse")));
    List<UpstreamEvent> events = stream(provider()).awaitEnd().snapshot();
    assertThat(events.get(events.size() - 1)).isEqualTo(new UpstreamEvent.Finished(FinishReason.LENGTH));
  }

  @Test
  void skipsToolUseAndServerToolBlocks() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("anthropic/text-then-tool-use-with-input-json.sse")));
    var recorder = stream(provider()).awaitEnd();
    assertThat(recorder.texts()).isNotEmpty().allSatisfy(text -> assertThat(text).doesNotContain("input_json"));
    assertThat(recorder.snapshot().get(recorder.snapshot().size() - 1))
        .isEqualTo(new UpstreamEvent.Finished(FinishReason.TOOL_CALLS));
  }

  @Test
  void systemRoleMessagesJoinTheTopLevelSystem() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("anthropic/text.sse")));
    var request = new io.llmgate.stream.ChatRequest("s", "claude", List.of(
        new io.llmgate.stream.ChatMessage(io.llmgate.stream.Role.SYSTEM, "Be kind."),
        new io.llmgate.stream.ChatMessage(io.llmgate.stream.Role.USER, "Hi")),
        Optional.empty(), Optional.of("Answer briefly."), java.util.OptionalDouble.empty(),
        java.util.OptionalInt.empty(), List.of(), java.util.Map.of());
    io.llmgate.provider.Recorder.open(vertx, provider(), request).awaitEnd();
    JsonObject body = upstream.takeRequest().json();
    assertThat(body.getString("system")).isEqualTo("Answer briefly.\n\nBe kind.");
    assertThat(body.getJsonArray("messages")).hasSize(1);
    assertThat(body.getInteger("max_tokens")).as("required by the API").isEqualTo(4096);
    assertThat(body.containsKey("temperature")).isFalse();
  }

  @Test
  void cacheReadsAndWritesAreInTheInputAndCountedApart() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("anthropic/synthetic/cache-read-and-write.sse")));
    var recorder = stream(provider()).awaitEnd();
    assertThat(recorder.ofKind(UpstreamEvent.UsageReport.class).get(0).usage())
        .isEqualTo(new Usage(17 + 1200 + 2400, 10, 2400, 1200, 0));
  }
}
