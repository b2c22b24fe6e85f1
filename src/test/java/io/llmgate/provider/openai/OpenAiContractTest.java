package io.llmgate.provider.openai;

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
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiContractTest extends AbstractProviderContractTest {
  private static final String TEXT = "openai-chat/text-with-usage.sse";

  @Override
  protected String name() {
    return "openai";
  }

  @Override
  protected ChatProvider provider(String baseUrl, UpstreamTimeouts timeouts) {
    return new OpenAiProvider(http, new ProviderEndpoint("openai", baseUrl + "/v1", Optional.of(TestKeys.KEY),
        OpenAiProvider.DEFAULT_MODEL, List.of(), timeouts), OpenAiProvider.TokenLimit.MAX_COMPLETION_TOKENS);
  }

  @Override
  protected String expectedUri(String model) {
    return "/v1/chat/completions";
  }

  @Override
  protected void assertRequestMapping(Recorded request) {
    assertThat(request.headers().get("authorization")).isEqualTo("Bearer " + TestKeys.KEY);
    JsonObject body = request.json();
    assertThat(body.getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(body.getBoolean("stream")).isTrue();
    assertThat(body.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    assertThat(body.getJsonArray("messages").encode()).isEqualTo(
        "[{\"role\":\"system\",\"content\":\"Answer briefly.\"},"
            + "{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]");
    assertThat(body.getDouble("temperature")).isEqualTo(0.5);
    assertThat(body.getInteger("max_completion_tokens")).isEqualTo(64);
    assertThat(body.containsKey("max_tokens")).as("reasoning models reject max_tokens").isFalse();
  }

  @Override
  protected StreamFixture textStream() {
    return new StreamFixture(TEXT, "gpt-4o-mini-2024-07-18", ChatChunks.deltas(TEXT, "content"), List.of(),
        FinishReason.STOP, Optional.of(new Usage(78, 9)));
  }

  @Override
  protected Optional<StreamFixture> reasoningStream() {
    return Optional.empty(); // OpenAI streams no reasoning on Chat Completions
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase(400, "openai-chat/reconstructed/http-400-unsupported-value.json", ErrorCode.UPSTREAM_ERROR, false),
        new ErrorCase(401, "openai-chat/reconstructed/http-401-invalid-api-key.json", ErrorCode.UPSTREAM_AUTH, false),
        new ErrorCase(404, "openai-chat/reconstructed/http-404-model-not-found.json", ErrorCode.UPSTREAM_ERROR, false),
        new ErrorCase(429, "openai-chat/reconstructed/http-429-rate-limit-exceeded.json",
            ErrorCode.UPSTREAM_RATE_LIMITED, true),
        new ErrorCase(429, "openai-chat/reconstructed/http-429-insufficient-quota.json",
            ErrorCode.UPSTREAM_RATE_LIMITED, false));
  }

  @Override
  protected Optional<ErrorCase> midStreamError() {
    return Optional.of(new ErrorCase(200, "openai-chat/synthetic/midstream-error-after-text.sse",
        ErrorCode.UPSTREAM_ERROR, true));
  }

  @Override
  protected ToolFixture toolCallStream() {
    return ToolFixture.of("openai-chat/parallel-tool-calls.sse", FinishReason.TOOL_CALLS,
        new Call(Optional.of("call_q2UyBRP7eXNTzAoR8lEhjc9Z"), "get_country", "{}"),
        new Call(Optional.of("call_b51ijcpFkDiTQG1bQzsrmtW5"), "get_product_name", "{}"));
  }

  @Override
  protected void assertToolRequestMapping(JsonObject body) {
    ChatChunks.assertToolRequest(body);
  }

  @Test
  void interleavedParallelCallsKeepTheirIndexesAndFourByteCharactersSurviveByteAtATimeReads() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("openai-chat/synthetic/parallel-tool-calls-interleaved-utf8.sse"))
        .chunking(io.llmgate.provider.FakeUpstream.Chunking.SINGLE_BYTES, 0));
    List<UpstreamEvent.ToolCallDelta> deltas = stream(provider()).awaitEnd().ofKind(UpstreamEvent.ToolCallDelta.class);
    assertThat(deltas).extracting(UpstreamEvent.ToolCallDelta::callIndex).containsExactly(0, 1, 0, 1, 0, 1, 1);
    assertThat(deltas).extracting(UpstreamEvent.ToolCallDelta::argumentsDelta)
        .containsExactly("", "", "{\"city\":\"Z", "{\"zone\":\"", "ürich 🏔\"}", "\ud83c", "\udf0d\"}");
  }

  @Test
  void wholeCallsWithoutAnIndexAreNumberedByTheirIds() {
    String chunk = "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[%s]}}]}\n\n";
    String body = chunk.formatted("{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}")
        + chunk.formatted("{\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"x\\\":\"}}")
        + chunk.formatted("{\"function\":{\"arguments\":\"1}\"}}") + "data: [DONE]\n\n";
    upstream.enqueue(Reply.stream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    List<UpstreamEvent.ToolCallDelta> deltas = stream(provider()).awaitEnd().ofKind(UpstreamEvent.ToolCallDelta.class);
    assertThat(deltas).extracting(UpstreamEvent.ToolCallDelta::callIndex).containsExactly(0, 1, 1);
    assertThat(deltas).extracting(UpstreamEvent.ToolCallDelta::argumentsDelta).containsExactly("{}", "{\"x\":", "1}");
  }

  @Override
  protected byte[] textFrame(String text) {
    return ChatChunks.textFrame("gpt-4o-mini", text);
  }

  @Test
  void mapsFinishReasonLength() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("openai-chat/synthetic/finish-length.sse")));
    List<UpstreamEvent> events = stream(provider()).awaitEnd().snapshot();
    assertThat(events.get(events.size() - 1)).isEqualTo(new UpstreamEvent.Finished(FinishReason.LENGTH));
  }

  @Test
  void toolCallStreamsFinishWithToolCallsAndNoText() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("openai-chat/tool-call-with-usage.sse")));
    var recorder = stream(provider()).awaitEnd();
    assertThat(recorder.texts()).isEmpty();
    assertThat(recorder.snapshot().get(recorder.snapshot().size() - 1))
        .isEqualTo(new UpstreamEvent.Finished(FinishReason.TOOL_CALLS));
  }

  @Test
  void quotaExhaustedIsNotRetried() {
    upstream.enqueue(Reply.status(429).body(Fixtures.bytes("openai-chat/reconstructed/http-429-insufficient-quota.json")));
    var failure = stream(new io.llmgate.provider.resilience.RetryingProvider(provider(), FAST_RETRY)).awaitFailure();
    assertThat(failure.getMessage()).contains("insufficient_quota");
    assertThat(upstream.requestCount()).isEqualTo(1);
  }

  @Test
  void cachedAndReasoningTokensComeFromTheUsageDetails() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("openai-chat/synthetic/usage-cached-and-reasoning.sse")));
    var recorder = stream(provider()).awaitEnd();
    assertThat(recorder.ofKind(UpstreamEvent.UsageReport.class).get(0).usage())
        .isEqualTo(new Usage(2078, 73, 1920, 0, 64));
  }
}
