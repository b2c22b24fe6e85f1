package io.llmgate.provider.compatible;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.CompatibleProviderSettings;
import io.llmgate.config.RetrySettings;
import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.provider.AbstractProviderContractTest;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.TestKeys;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.openai.ChatChunks;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A provider declared in configuration: Ollama's OpenAI-compatible {@code /v1}, here behind a key. */
class OllamaCompatibleContractTest extends AbstractProviderContractTest {
  private static final String STREAM = "ollama/synthetic/v1-chat-stream-include-usage.sse";

  @Override
  protected String name() {
    return "ollama";
  }

  @Override
  protected ChatProvider provider(String baseUrl, UpstreamTimeouts timeouts) {
    return CompatibleProvider.create(http, new CompatibleProviderSettings("ollama", baseUrl + "/v1",
        Optional.of("OLLAMA_API_KEY"), Optional.empty(), "llama3.2", List.of("llama3.2", "qwen3"), List.of(), timeouts,
        RetrySettings.none()), Optional.of(TestKeys.KEY));
  }

  @Override
  protected String expectedUri(String model) {
    return "/v1/chat/completions";
  }

  @Override
  protected void assertRequestMapping(Recorded request) {
    assertThat(request.headers().get("authorization")).isEqualTo("Bearer " + TestKeys.KEY);
    JsonObject body = request.json();
    assertThat(body.getString("model")).isEqualTo("llama3.2");
    assertThat(body.getInteger("max_tokens")).isEqualTo(64);
  }

  /** Reasoning arrives as {@code delta.reasoning}, not {@code reasoning_content}. */
  @Override
  protected StreamFixture textStream() {
    return new StreamFixture(STREAM, "llama3.2", ChatChunks.deltas(STREAM, "content"),
        ChatChunks.deltas(STREAM, "reasoning"), FinishReason.STOP, Optional.of(new Usage(26, 282)));
  }

  @Override
  protected Optional<StreamFixture> reasoningStream() {
    return Optional.of(textStream());
  }

  /** A keyed compatible server (OpenRouter, vLLM with --api-key) answers a bad key in OpenAI's envelope. */
  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase(404, "ollama/synthetic/v1-http-404.json", ErrorCode.UPSTREAM_ERROR, false),
        new ErrorCase(400, "ollama/synthetic/http-400-bad-request.json", ErrorCode.UPSTREAM_ERROR, false),
        new ErrorCase(401, "openai-chat/reconstructed/http-401-invalid-api-key.json", ErrorCode.UPSTREAM_AUTH, false));
  }

  @Override
  protected Optional<ErrorCase> midStreamError() {
    return Optional.empty(); // Ollama /v1 just stops: covered by the truncation test
  }

  /** Ollama sends each call whole, in one chunk. */
  @Override
  protected ToolFixture toolCallStream() {
    return ToolFixture.of("ollama/synthetic/v1-chat-tool-call.sse", FinishReason.TOOL_CALLS,
        new Call(Optional.of("call_cy3xwkra"), "get_weather", "{\"city\":\"Tokyo\"}"));
  }

  @Override
  protected void assertToolRequestMapping(JsonObject body) {
    ChatChunks.assertToolRequest(body);
  }

  @Override
  protected byte[] textFrame(String text) {
    return ChatChunks.textFrame("llama3.2", text);
  }

  @Test
  void wholeToolCallFinishesWithToolCalls() {
    upstream.enqueue(Reply.stream(Fixtures.bytes("ollama/synthetic/v1-chat-tool-call.sse")));
    var events = stream(provider()).awaitEnd().snapshot();
    assertThat(events.get(events.size() - 1)).isEqualTo(new UpstreamEvent.Finished(FinishReason.TOOL_CALLS));
  }

  @Test
  void sendsNoAuthorizationWithoutAKey() {
    upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
    ChatProvider keyless = CompatibleProvider.create(http, new CompatibleProviderSettings("ollama",
        upstream.baseUrl() + "/v1", Optional.empty(), Optional.empty(), "llama3.2", List.of(), List.of(), UpstreamTimeouts.DEFAULT,
        RetrySettings.none()), Optional.empty());
    stream(keyless).awaitEnd();
    assertThat(upstream.takeRequest().headers().get("authorization")).isNull();
  }
}
