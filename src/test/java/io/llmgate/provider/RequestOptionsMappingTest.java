package io.llmgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.ProvidersSettings;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.ratelimit.LocalRateLimiter;
import io.llmgate.session.StreamService;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.testing.RecordingSink;
import io.llmgate.testing.Requests;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every generation option, image and output format of an {@code llm:chat:stream} request, as each provider's
 * upstream receives it (the production wiring: environment → registry → StreamService → the fake upstream),
 * and the refusals of what a provider cannot take. docs/providers.md's table states the same.
 */
class RequestOptionsMappingTest {
  private static final String PNG = "data:image/png;base64,iVBORw0KGgo=";
  private static final String PHOTO = "https://example.com/cat.jpg";
  private static final JsonObject SCHEMA = new JsonObject("{\"type\":\"object\","
      + "\"properties\":{\"city\":{\"type\":\"string\"},\"country\":{\"type\":[\"string\",\"null\"]}},"
      + "\"required\":[\"city\",\"country\"],\"additionalProperties\":false}");

  private Vertx vertx;
  private final Map<String, FakeUpstream> upstreams = new java.util.HashMap<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    for (String name : new String[] {"openai", "claude", "gemini", "deepseek", "ollama"}) {
      upstreams.put(name, FakeUpstream.start(vertx));
    }
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  private StreamService service() {
    ProviderRegistry registry = Providers.fromEnvironment(vertx, Map.of(
        "OPENAI_API_KEY", "sk-1", "OPENAI_BASE_URL", upstreams.get("openai").baseUrl() + "/v1",
        "ANTHROPIC_API_KEY", "a-1", "ANTHROPIC_BASE_URL", upstreams.get("claude").baseUrl(),
        "GEMINI_API_KEY", "g-1", "GEMINI_BASE_URL", upstreams.get("gemini").baseUrl(),
        "DEEPSEEK_API_KEY", "d-1", "DEEPSEEK_BASE_URL", upstreams.get("deepseek").baseUrl()),
        ProvidersSettings.fromJson(new JsonObject().put("retry", new JsonObject().put("max-attempts", 1))
            .put("compatible", new JsonArray().add(new JsonObject().put("name", "ollama")
                .put("base-url", upstreams.get("ollama").baseUrl() + "/v1").put("default-model", "llama3.2")))));
    return new StreamService(vertx, registry, new LocalRateLimiter(60, Duration.ofMinutes(1)),
        8, StreamListener.NONE);
  }

  /** Streams {@code payload} against a recorded answer and returns the body the provider's upstream got. */
  private JsonObject sent(String provider, String answer, JsonObject payload) throws Exception {
    upstreams.get(provider).enqueue(Reply.stream(Fixtures.bytes(answer)));
    RecordingSink client = new RecordingSink();
    StreamService service = service();
    vertx.runOnContext(v -> service.start("user-1", Requests.start(payload), client));
    assertThat(client.finalEvent.get(15, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Done.class);
    return upstreams.get(provider).takeRequest().json();
  }

  /** The refusal of {@code payload}, which must come before any upstream call. */
  private GatewayException refused(JsonObject payload) throws Exception {
    StreamService service = service();
    Promise<Object> result = Promise.promise();
    vertx.runOnContext(v -> service.start("user-1", Requests.start(payload), new RecordingSink()).onComplete(
        ack -> result.tryComplete(ack.succeeded() ? ack.result() : ack.cause())));
    Object outcome = result.future().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(GatewayException.class);
    upstreams.values().forEach(upstream -> assertThat(upstream.requestCount()).isZero());
    return (GatewayException) outcome;
  }

  private static JsonObject everything(String provider) {
    return new JsonObject().put("sessionId", "s-1").put("provider", provider)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "Where is this?"))
            .add(image(PNG, "low"))
            .add(image(PHOTO, null)))))
        .put("stop", new JsonArray().add("END").add("STOP"))
        .put("topP", 0.9).put("seed", 42).put("presencePenalty", 0.5).put("frequencyPenalty", -0.5)
        .put("user", "user-42");
  }

  private static JsonObject image(String url, String detail) {
    JsonObject imageUrl = new JsonObject().put("url", url);
    if (detail != null) {
      imageUrl.put("detail", detail);
    }
    return new JsonObject().put("type", "image_url").put("imageUrl", imageUrl);
  }

  private static JsonObject jsonSchema() {
    return new JsonObject().put("type", "json_schema").put("jsonSchema",
        new JsonObject().put("name", "place").put("schema", SCHEMA.copy()).put("strict", true));
  }

  @Test
  void openAiGetsEveryOptionImagesAndTheSchemaAsTheyAre() throws Exception {
    JsonObject body = sent("openai", "openai-chat/text-with-usage.sse",
        everything("openai").put("responseFormat", jsonSchema()).put("reasoning", new JsonObject().put("effort", "low")));

    assertThat(body.getJsonArray("messages").getJsonObject(0).getJsonArray("content")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "Where is this?"))
        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", PNG).put("detail", "low")))
        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", PHOTO))));
    assertThat(body.getJsonArray("stop")).containsExactly("END", "STOP");
    assertThat(body.getDouble("top_p")).isEqualTo(0.9);
    assertThat(body.getLong("seed")).isEqualTo(42);
    assertThat(body.getDouble("presence_penalty")).isEqualTo(0.5);
    assertThat(body.getDouble("frequency_penalty")).isEqualTo(-0.5);
    assertThat(body.getString("user")).isEqualTo("user-42");
    assertThat(body.getString("reasoning_effort")).isEqualTo("low");
    assertThat(body.getJsonObject("response_format")).isEqualTo(new JsonObject().put("type", "json_schema")
        .put("json_schema", new JsonObject().put("name", "place").put("schema", SCHEMA).put("strict", true)));
    assertThat(body.getJsonObject("response_format").getJsonObject("json_schema").getJsonObject("schema")
        .fieldNames()).as("the schema's key order is kept").containsExactly("type", "properties", "required",
            "additionalProperties");
  }

  @Test
  void aCompatibleServerGetsTheOpenAiForm() throws Exception {
    JsonObject body = sent("ollama", "openai-chat/text-with-usage.sse",
        everything("ollama").put("responseFormat", new JsonObject().put("type", "json_object")));
    assertThat(body.getJsonArray("messages").getJsonObject(0).getJsonArray("content")).hasSize(3);
    assertThat(body.getJsonObject("response_format")).isEqualTo(new JsonObject().put("type", "json_object"));
    assertThat(body.getDouble("top_p")).isEqualTo(0.9);
    assertThat(body.getLong("seed")).isEqualTo(42);
  }

  @Test
  void claudeGetsStopSequencesTopPTheUserAndImageBlocks() throws Exception {
    JsonObject body = sent("claude", "anthropic/text.sse", everything("claude"));

    assertThat(body.getJsonArray("messages").getJsonObject(0).getJsonArray("content")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "Where is this?"))
        .add(new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "base64")
            .put("media_type", "image/png").put("data", "iVBORw0KGgo=")))
        .add(new JsonObject().put("type", "image").put("source", new JsonObject().put("type", "url").put("url", PHOTO))));
    assertThat(body.getJsonArray("stop_sequences")).containsExactly("END", "STOP");
    assertThat(body.getDouble("top_p")).isEqualTo(0.9);
    assertThat(body.getJsonObject("metadata")).isEqualTo(new JsonObject().put("user_id", "user-42"));
    assertThat(body.fieldNames()).as("no seed or penalties in the Messages API")
        .doesNotContain("seed", "presence_penalty", "frequency_penalty", "stop", "user");
  }

  @Test
  void geminiGetsGenerationConfigInlineDataFileDataAndTheJsonSchema() throws Exception {
    JsonObject body = sent("gemini", "gemini/text.sse",
        everything("gemini").put("responseFormat", jsonSchema()).put("reasoning", new JsonObject().put("effort", "low")));

    assertThat(body.getJsonArray("contents").getJsonObject(0).getJsonArray("parts")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("text", "Where is this?"))
        .add(new JsonObject().put("inlineData", new JsonObject().put("mimeType", "image/png").put("data", "iVBORw0KGgo=")))
        .add(new JsonObject().put("fileData", new JsonObject().put("mimeType", "image/jpeg").put("fileUri", PHOTO))));
    JsonObject config = body.getJsonObject("generationConfig");
    assertThat(config.getJsonArray("stopSequences")).containsExactly("END", "STOP");
    assertThat(config.getDouble("topP")).isEqualTo(0.9);
    assertThat(config.getInteger("seed")).isEqualTo(42);
    assertThat(config.getDouble("presencePenalty")).isEqualTo(0.5);
    assertThat(config.getDouble("frequencyPenalty")).isEqualTo(-0.5);
    assertThat(config.getString("responseMimeType")).isEqualTo("application/json");
    assertThat(config.getJsonObject("responseJsonSchema")).isEqualTo(SCHEMA);
    assertThat(config.getJsonObject("thinkingConfig"))
        .isEqualTo(new JsonObject().put("includeThoughts", true).put("thinkingBudget", 1024));
    assertThat(body.encode()).as("Gemini has no end-user field").doesNotContain("user-42");
  }

  @Test
  void geminiReasoningEffortNoneTurnsThinkingOff() throws Exception {
    JsonObject body = sent("gemini", "gemini/text.sse", everything("gemini").put("messages", plainMessages())
        .put("reasoning", new JsonObject().put("effort", "none")));
    assertThat(body.getJsonObject("generationConfig").getJsonObject("thinkingConfig"))
        .isEqualTo(new JsonObject().put("thinkingBudget", 0));
  }

  @Test
  void deepSeekGetsJsonObjectAndTheSamplingFields() throws Exception {
    JsonObject body = sent("deepseek", "deepseek/reasoner.sse", everything("deepseek").put("messages", plainMessages())
        .put("responseFormat", new JsonObject().put("type", "json_object")));
    assertThat(body.getJsonObject("response_format")).isEqualTo(new JsonObject().put("type", "json_object"));
    assertThat(body.getJsonArray("stop")).containsExactly("END", "STOP");
    assertThat(body.getJsonArray("messages").getJsonObject(0).getString("content")).isEqualTo("Hi");
  }

  @Test
  void deepSeekRefusesImagesAndJsonSchemaBeforeAnyUpstreamCall() throws Exception {
    GatewayException images = refused(everything("deepseek"));
    assertThat(images.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(images.getMessage()).isEqualTo("messages: image parts are not supported by provider \"deepseek\""
        + " (expected: text only, or a provider that accepts images)");

    GatewayException schema = refused(everything("deepseek").put("messages", plainMessages())
        .put("responseFormat", jsonSchema()));
    assertThat(schema.getMessage()).isEqualTo("responseFormat: json_schema is not supported by provider \"deepseek\""
        + " (expected: one of json_object)");
  }

  @Test
  void claudeRefusesAnOutputFormat() throws Exception {
    GatewayException refusal = refused(everything("claude").put("responseFormat", jsonSchema()));
    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(refusal.getMessage())
        .isEqualTo("responseFormat: json_schema is not supported by provider \"claude\" (expected: none)");
  }

  @Test
  void aFallbackThatCannotTakeTheImagesIsSkipped() throws Exception {
    upstreams.get("openai").enqueue(Reply.status(503).body("{\"error\":{\"message\":\"down\"}}".getBytes()));
    upstreams.get("claude").enqueue(Reply.stream(Fixtures.bytes("anthropic/text.sse")));
    RecordingSink client = new RecordingSink();
    StreamService service = service();
    vertx.runOnContext(v -> service.start("user-1",
        Requests.start(everything("openai").put("fallback", new JsonArray().add("deepseek").add("claude"))), client));
    StreamEvent.Done done = (StreamEvent.Done) client.finalEvent.get(15, TimeUnit.SECONDS);
    assertThat(done.provider()).isEqualTo("claude");
    assertThat(upstreams.get("deepseek").requestCount()).isZero();
  }

  private static JsonArray plainMessages() {
    return new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"));
  }

}
