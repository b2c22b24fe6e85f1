package io.llmgate.provider.deepseek;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.AbstractProviderContractTest;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.FakeUpstream.Chunking;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.TestKeys;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import io.llmgate.provider.openai.ChatChunks;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeepSeekContractTest extends AbstractProviderContractTest {
  private static final String REASONER = "deepseek/reasoner.sse";
  private static final String KEEPALIVE = "deepseek/synthetic/keepalive-then-stream.sse";

  @Override
  protected String name() {
    return "deepseek";
  }

  @Override
  protected ChatProvider provider(String baseUrl, UpstreamTimeouts timeouts) {
    return DeepSeekProvider.create(http, new ProviderEndpoint("deepseek", baseUrl, Optional.of(TestKeys.KEY),
        DeepSeekProvider.DEFAULT_MODEL, DeepSeekProvider.MODELS, timeouts), RequestHook.NONE);
  }

  @Override
  protected String expectedUri(String model) {
    return "/chat/completions";
  }

  @Override
  protected void assertRequestMapping(Recorded request) {
    assertThat(request.headers().get("authorization")).isEqualTo("Bearer " + TestKeys.KEY);
    JsonObject body = request.json();
    assertThat(body.getString("model")).isEqualTo("deepseek-chat");
    assertThat(body.getInteger("max_tokens")).isEqualTo(64);
    assertThat(body.containsKey("max_completion_tokens")).isFalse();
    assertThat(body.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
  }

  /** The recording's usage rides on the finish chunk; 198 reasoning deltas come before the answer. */
  @Override
  protected StreamFixture textStream() {
    return new StreamFixture(REASONER, "deepseek-reasoner", ChatChunks.deltas(REASONER, "content"),
        ChatChunks.deltas(REASONER, "reasoning_content"), FinishReason.STOP, Optional.of(new Usage(6, 212, 0, 0, 198)));
  }

  /** Keep-alive comments while queued, then the stream. */
  @Override
  protected Optional<StreamFixture> reasoningStream() {
    return Optional.of(new StreamFixture(KEEPALIVE, "deepseek-reasoner", ChatChunks.deltas(KEEPALIVE, "content"),
        ChatChunks.deltas(KEEPALIVE, "reasoning_content"), FinishReason.STOP, Optional.of(new Usage(6, 212, 0, 0, 198))));
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase(401, "deepseek/reconstructed/http-401-authentication-fails.json", ErrorCode.UPSTREAM_AUTH, false),
        new ErrorCase(402, "deepseek/reconstructed/http-402-insufficient-balance.json",
            ErrorCode.UPSTREAM_RATE_LIMITED, false));
  }

  @Override
  protected Optional<ErrorCase> midStreamError() {
    return Optional.empty(); // no recording; see insufficientSystemResource… below
  }

  /** Reasoning, then one call whose arguments stream in fragments; usage on the finish chunk. */
  @Override
  protected ToolFixture toolCallStream() {
    return new ToolFixture(io.llmgate.provider.Fixtures.openAiFramedPayloads("deepseek/reasoner-tool-call.payloads.jsonl"),
        List.of(new Call(Optional.of("call_00_ioIn7yN9p1ZOMNpDLwd4MgAF"), "weather", "{\"location\": \"San Francisco\"}")),
        FinishReason.TOOL_CALLS);
  }

  @Override
  protected void assertToolRequestMapping(JsonObject body) {
    ChatChunks.assertToolRequest(body);
  }

  @Override
  protected byte[] textFrame(String text) {
    return ChatChunks.textFrame("deepseek-chat", text);
  }

  @Test
  void insufficientSystemResourceBeforeAnyOutputIsOverloaded() {
    upstream.enqueue(Reply.stream(("data: {\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
        + "\"finish_reason\":\"insufficient_system_resource\"}]}\n\ndata: [DONE]\n\n").getBytes()));
    GatewayException failure = stream(provider()).awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    assertThat(failure.retryable()).isTrue();
  }

  @Test
  void insufficientSystemResourceAfterOutputKeepsThePartialAnswer() {
    upstream.enqueue(Reply.stream(("data: {\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
        + "data: {\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
        + "\"finish_reason\":\"insufficient_system_resource\"}]}\n\ndata: [DONE]\n\n").getBytes()));
    var recorder = stream(provider()).awaitEnd();
    assertThat(recorder.texts()).containsExactly("Hi");
    assertThat(recorder.snapshot().get(recorder.snapshot().size() - 1))
        .isEqualTo(new io.llmgate.provider.UpstreamEvent.Finished(FinishReason.OTHER));
  }

  @Test
  void splitsTheFourByteEmojiAcrossReadsIntact() {
    upstream.enqueue(Reply.stream(io.llmgate.provider.Fixtures.bytes(REASONER)).chunking(Chunking.SINGLE_BYTES, 0));
    assertThat(String.join("", stream(provider()).awaitEnd().texts())).contains("😊");
  }
}
