package io.llmgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.ratelimit.LocalRateLimiter;
import io.llmgate.session.StreamService;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.stream.ToolCall;
import io.llmgate.testing.RecordingSink;
import io.llmgate.testing.Requests;
import io.llmgate.testing.ScriptedProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The production wiring end to end: config → registry → StreamService → client events. */
class StreamServiceProvidersTest {
  private Vertx vertx;
  private FakeUpstream openai;
  private FakeUpstream claude;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    openai = FakeUpstream.start(vertx);
    claude = FakeUpstream.start(vertx);
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  private StreamService service() {
    return service(registry("{\"retry\": {\"initial-backoff\": \"10ms\"}, \"openai\": {\"fallback\": [\"claude\"]}}"));
  }

  /** openai and claude at their fake upstreams, with the {@code providers:} settings given. */
  private ProviderRegistry registry(String settings) {
    return Providers.fromEnvironment(vertx, Map.of(
        "OPENAI_API_KEY", "sk-1", "OPENAI_BASE_URL", openai.baseUrl() + "/v1",
        "ANTHROPIC_API_KEY", "a-1", "ANTHROPIC_BASE_URL", claude.baseUrl()),
        ProvidersSettings.fromJson(new JsonObject(settings)));
  }

  private StreamService service(ProviderRegistry registry) {
    return new StreamService(vertx, registry, new LocalRateLimiter(60, Duration.ofMinutes(1)),
        8, StreamListener.NONE);
  }

  /** Runs one stream to its final event and returns what the client received. */
  private RecordingSink run(JsonObject payload) throws Exception {
    StreamService service = service();
    RecordingSink client = new RecordingSink();
    vertx.runOnContext(v -> service.start("user-1", Requests.start(payload), client));
    client.finalEvent.get(15, TimeUnit.SECONDS);
    return client;
  }

  private static JsonObject payload(String provider) {
    return new JsonObject().put("sessionId", "s-1").put("provider", provider)
        .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
  }

  @Test
  void streamsTokensThenDoneWithTheProvidersUsageAndFinish() throws Exception {
    openai.enqueue(Reply.stream(Fixtures.bytes("openai-chat/text-with-usage.sse")));
    RecordingSink client = run(payload("openai"));
    StreamEvent.Done done = (StreamEvent.Done) client.finalEvent.get();
    assertThat(done.provider()).isEqualTo("openai");
    assertThat(done.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(done.fullResponse()).isEqualTo("The capital of the UK is London.");
    assertThat(done.tokenCount()).isEqualTo(8);
    assertThat(done.usage()).contains(new io.llmgate.stream.Usage(78, 9));
    assertThat(client.events.get(0)).isInstanceOf(StreamEvent.Started.class);
  }

  @Test
  void theConfiguredDefaultFallbackAnswersAndDoneSaysWhich() throws Exception {
    openai.enqueue(Reply.status(401).body(Fixtures.bytes("openai-chat/reconstructed/http-401-invalid-api-key.json")));
    claude.enqueue(Reply.stream(Fixtures.bytes("anthropic/text.sse")));
    RecordingSink client = run(payload("openai"));
    StreamEvent.Started started = (StreamEvent.Started) client.events.get(0);
    StreamEvent.Done done = (StreamEvent.Done) client.finalEvent.get();
    assertThat(started.provider()).isEqualTo("claude");
    assertThat(done.provider()).isEqualTo("claude");
    assertThat(done.fullResponse()).isEqualTo("- Captain\n- Scoop");
    assertThat(claude.takeRequest().json().getString("model")).isEqualTo("claude-sonnet-4-5");
  }

  @Test
  void whenEveryProviderFailsTheErrorSaysWhyEachDid() throws Exception {
    openai.enqueue(Reply.status(401).body(Fixtures.bytes("openai-chat/reconstructed/http-401-invalid-api-key.json")));
    claude.enqueue(Reply.status(400).body(Fixtures.bytes("anthropic/reconstructed/http-400-invalid-request.json")));
    StreamEvent.Failed failed = (StreamEvent.Failed) run(payload("openai")).finalEvent.get();
    assertThat(failed.error()).startsWith("openai: HTTP 401").contains("; then claude: HTTP 400");
    assertThat(failed.code().wire()).isEqualTo("upstream_error");
  }

  /** openai, then a fallback that cannot take tools, then claude: the tools must reach whoever answers. */
  private StreamService serviceWithAToolLessFallback() {
    ProviderRegistry registry = registry("{\"retry\": {\"max-attempts\": 1},"
        + " \"openai\": {\"fallback\": [\"local\", \"claude\"]}}");
    return service(registry.register(new ScriptedProvider(vertx, "local", 1, () -> ScriptedProvider.tokens(2))));
  }

  private static JsonObject withTools(JsonObject payload) {
    return payload.put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather")));
  }

  @Test
  void aFallbackThatCannotTakeToolsIsSkippedWithTheReasonInTheLog() throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger(ProviderRegistry.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      openai.enqueue(Reply.status(401).body(Fixtures.bytes("openai-chat/reconstructed/http-401-invalid-api-key.json")));
      claude.enqueue(Reply.stream(Fixtures.bytes("anthropic/tool-use-parallel-empty-input.sse")));
      StreamService service = serviceWithAToolLessFallback();
      RecordingSink client = new RecordingSink();
      vertx.runOnContext(v -> service.start("user-1", Requests.start(withTools(payload("openai"))), client));
      StreamEvent.Done done = (StreamEvent.Done) client.finalEvent.get(15, TimeUnit.SECONDS);

      assertThat(done.provider()).isEqualTo("claude");
      assertThat(done.toolCalls()).extracting(ToolCall::name)
          .containsExactly("pelican_name_generator", "pelican_name_generator");
      assertThat(claude.takeRequest().json().getJsonArray("tools").getJsonObject(0).getString("name"))
          .isEqualTo("get_weather");
      assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).contains(
          "local: skipped as a fallback for stream s-1: tools: not supported by provider \"local\" (expected: a provider"
              + " that supports tool calls, or a request without tools)");
    } finally {
      log.detachAppender(lines);
    }
  }

  @Test
  void aRequestWithToolsForAProviderThatCannotTakeThemIsRefused() {
    StreamService service = serviceWithAToolLessFallback();
    JsonObject toolResult = payload("local").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "assistant").put("toolCalls", new JsonArray()
            .add(new JsonObject().put("id", "c1").put("name", "f").put("arguments", "{}"))))
        .add(new JsonObject().put("role", "tool").put("toolCallId", "c1").put("content", "42")));
    for (JsonObject payload : new JsonObject[] {withTools(payload("local")), toolResult}) {
      CompletableFuture<Throwable> refused = new CompletableFuture<>();
      vertx.runOnContext(v -> service.start("user-1", Requests.start(payload), new RecordingSink())
          .onComplete(ack -> refused.complete(ack.cause())));
      assertThat(refused.join()).isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.getMessage()).isEqualTo("tools: not supported by provider \"local\" (expected: a provider"
            + " that supports tool calls, or a request without tools)");
      });
    }
  }

  @Test
  void anUpstreamThatClosesEarlyIsAnErrorNeverDone() throws Exception {
    byte[] bytes = Fixtures.bytes("anthropic/text.sse");
    claude.enqueue(Reply.stream(bytes).endAfter(Fixtures.lengthOfFrames(bytes, 6)));
    StreamEvent finalEvent = run(payload("claude")).finalEvent.get();
    assertThat(finalEvent).isInstanceOf(StreamEvent.Failed.class);
    assertThat(((StreamEvent.Failed) finalEvent).error()).contains("end marker");
  }
}
