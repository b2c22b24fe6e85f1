package io.llmgate.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.AbstractProviderContractTest;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.TestKeys;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import io.llmgate.provider.resilience.RetryingProvider;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiContractTest extends AbstractProviderContractTest {

  @Override
  protected String name() {
    return "gemini";
  }

  @Override
  protected ChatProvider provider(String baseUrl, UpstreamTimeouts timeouts) {
    return new GeminiProvider(http, new ProviderEndpoint("gemini", baseUrl, Optional.of(TestKeys.KEY),
        GeminiProvider.DEFAULT_MODEL, List.of(), timeouts), RequestHook.NONE);
  }

  @Override
  protected String expectedUri(String model) {
    return "/v1beta/models/" + model + ":streamGenerateContent?alt=sse";
  }

  @Override
  protected void assertRequestMapping(Recorded request) {
    assertThat(request.headers().get("x-goog-api-key")).isEqualTo(TestKeys.KEY);
    assertThat(request.headers().get("authorization")).isNull();
    JsonObject body = request.json();
    assertThat(body.getJsonArray("contents").encode())
        .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"text\":\"What is the capital of France?\"}]}]");
    assertThat(body.getJsonObject("systemInstruction").encode()).isEqualTo("{\"parts\":[{\"text\":\"Answer briefly.\"}]}");
    assertThat(body.getJsonObject("generationConfig").encode()).isEqualTo("{\"temperature\":0.5,\"maxOutputTokens\":64}");
  }

  @Override
  protected StreamFixture textStream() {
    // promptTokenCount falls from 15 to 13 on the last frame: the last frame's figures win, never a sum.
    return new StreamFixture("gemini/text.sse", "gemini-2.0-flash-exp", List.of("The", " capital of France", " is Paris.\n"),
        List.of(), FinishReason.STOP, Optional.of(new Usage(13, 8)));
  }

  @Override
  protected Optional<StreamFixture> reasoningStream() {
    return Optional.empty(); // no recording with thought parts; see thoughtPartsAreReasoning
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase(400, "gemini/reconstructed/http-400-api-key-invalid.json", ErrorCode.UPSTREAM_AUTH, false),
        new ErrorCase(404, "gemini/reconstructed/http-404-not-found.json", ErrorCode.UPSTREAM_ERROR, false),
        new ErrorCase(429, "gemini/http-429-resource-exhausted.json", ErrorCode.UPSTREAM_RATE_LIMITED, true));
  }

  @Override
  protected Optional<ErrorCase> midStreamError() {
    return Optional.of(new ErrorCase(200, "gemini/synthetic/midstream-error-tail-after-text.sse",
        ErrorCode.UPSTREAM_UNAVAILABLE, true));
  }

  @Override
  protected byte[] textFrame(String text) {
    JsonObject frame = new JsonObject().put("candidates", new io.vertx.core.json.JsonArray().add(new JsonObject()
        .put("content", new JsonObject().put("role", "model")
            .put("parts", new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", text))))));
    return ("data: " + frame.encode() + "\r\n\r\n").getBytes();
  }

  @ParameterizedTest
  @CsvSource({
      "gemini/synthetic/finish-safety.sse, CONTENT_FILTER",
      "gemini/synthetic/finish-max-tokens.sse, LENGTH",
      "gemini/synthetic/prompt-blocked-safety.sse, CONTENT_FILTER",
      "gemini/function-call.sse, TOOL_CALLS"})
  void mapsFinishReasons(String file, FinishReason expected) {
    upstream.enqueue(Reply.stream(Fixtures.bytes(file)));
    List<UpstreamEvent> events = stream(provider()).awaitEnd().snapshot();
    assertThat(events.get(events.size() - 1)).isEqualTo(new UpstreamEvent.Finished(expected));
  }

  /** Two whole calls in one frame, without ids: one fragment each, numbered in order. */
  @Override
  protected ToolFixture toolCallStream() {
    return ToolFixture.of("gemini/synthetic/parallel-function-calls.sse", FinishReason.TOOL_CALLS,
        new Call(Optional.empty(), "get_weather", "{\"city\":\"Zürich 🏔\"}"),
        new Call(Optional.empty(), "get_time", "{\"zone\":\"Europe/Zurich\"}"));
  }

  @Override
  protected void assertToolRequestMapping(JsonObject body) {
    assertThat(body.getJsonArray("tools")).isEqualTo(new JsonArray().add(new JsonObject().put("functionDeclarations",
        new JsonArray().add(new JsonObject().put("name", "get_weather").put("description", "Current weather")
            .put("parametersJsonSchema", new JsonObject(WEATHER_SCHEMA))))));
    assertThat(body.getJsonObject("toolConfig")).isEqualTo(new JsonObject().put("functionCallingConfig",
        new JsonObject().put("mode", "ANY").put("allowedFunctionNames", new JsonArray().add("get_weather"))));
    assertThat(body.getJsonArray("contents")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("role", "user").put("parts", new JsonArray()
            .add(new JsonObject().put("text", "Weather in Paris?"))))
        .add(new JsonObject().put("role", "model").put("parts", new JsonArray().add(new JsonObject()
            .put("functionCall", new JsonObject().put("id", "call_1").put("name", "get_weather")
                .put("args", new JsonObject().put("city", "Paris")))
            .put("thoughtSignature", "skip_thought_signature_validator"))))
        .add(new JsonObject().put("role", "user").put("parts", new JsonArray().add(new JsonObject()
            .put("functionResponse", new JsonObject().put("id", "call_1").put("name", "get_weather")
                .put("response", new JsonObject().put("celsius", 18)))))));
  }

  @Test
  void aRecordedGemini3CallIsOneFragmentWithAllItsArguments() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("gemini/function-call.sse")));
    assertThat(stream(provider()).awaitEnd().ofKind(UpstreamEvent.ToolCallDelta.class)).containsExactly(
        new UpstreamEvent.ToolCallDelta(0, Optional.empty(), Optional.of("get_country"), "{}"));
  }

  @Test
  void thoughtPartsAreReasoning() {
    String frames = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me think\",\"thought\":true}]}}]}\r\n\r\n"
        + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Paris.\"}]},\"finishReason\":\"STOP\"}],"
        + "\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":5,\"thoughtsTokenCount\":185}}\r\n\r\n";
    upstream.enqueue(Reply.stream(frames.getBytes()));
    var recorder = stream(provider()).awaitEnd();
    assertThat(recorder.reasonings()).containsExactly("Let me think");
    assertThat(recorder.texts()).containsExactly("Paris.");
    assertThat(recorder.ofKind(UpstreamEvent.UsageReport.class).get(0).usage())
        .as("output counts the thoughts too").isEqualTo(new Usage(9, 190, 0, 0, 185));
  }

  @Test
  void aRetryDelayLongerThanTheLimitEndsTheRetriesAtOnce() {
    upstream.enqueue(Reply.status(429).body(Fixtures.bytes("gemini/http-429-resource-exhausted.json")));
    GatewayException failure = stream(new RetryingProvider(provider(), FAST_RETRY)).awaitFailure();
    assertThat(failure.retryAfter()).contains(Duration.ofMillis(34_400));
    assertThat(upstream.requestCount()).as("34.4 s is over the 5 s limit").isEqualTo(1);
  }

  @Test
  void jsonArrayWithoutAltSseIsNotAStream() {
    upstream.enqueue(Reply.status(200).header("content-type", "application/json")
        .body(Fixtures.bytes("gemini/json-array-stream-without-alt-sse.json")));
    assertThat(stream(provider()).awaitFailure().code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
  }

  @Test
  void cachedContentAndThoughtsAreCountedApart() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("gemini/synthetic/cached-content-and-thoughts.sse")));
    var recorder = stream(provider()).awaitEnd();
    assertThat(recorder.ofKind(UpstreamEvent.UsageReport.class).get(0).usage())
        .as("the prompt count includes the cached part; the output the thoughts").isEqualTo(new Usage(4109, 193, 4096, 0, 185));
  }
}
