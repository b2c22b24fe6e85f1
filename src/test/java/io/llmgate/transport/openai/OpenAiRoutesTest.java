package io.llmgate.transport.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.error.ErrorCode;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Reasoning;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.TestGateway;
import io.llmgate.transport.HttpEventStream;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI wire form exactly, and the refusals only this API has. */
class OpenAiRoutesTest {
  private static final int MAX_REQUEST_BYTES = 4096;
  private static TestGateway gateway;
  private static HttpClient http;
  private static String token;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config.withLimits(new Limits(100, Duration.ofMinutes(1), 8, MAX_REQUEST_BYTES)));
    gateway.upstream()
        .script("hello", Script.upstream().opened("script-1").text("Hi", " there").usage(5, 2).finish(FinishReason.LENGTH))
        .script("plain", Script.upstream().opened("script-1").text("ok").finish(FinishReason.OTHER))
        .script("fail-after-first", Script.upstream().opened("script-1").text("partial")
            .fail(ErrorCode.UPSTREAM_ERROR, "upstream reset"))
        .script("long", Script.upstream().every(50).opened("script-1").tokens(400).finish(FinishReason.STOP));
    http = gateway.vertx().createHttpClient();
    token = gateway.token("alice");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void streamedChunksHaveOpenAiShapeAndEndWithDone() throws Exception {
    List<String> data = stream(body("hello").put("stream_options", new JsonObject().put("include_usage", true)));

    assertThat(data).hasSize(6).last().isEqualTo("[DONE]");
    JsonObject first = new JsonObject(data.get(0));
    assertThat(first.getString("id")).startsWith("chatcmpl-");
    assertThat(first.getString("object")).isEqualTo("chat.completion.chunk");
    assertThat(first.getString("model")).isEqualTo("scripted/script-1");
    assertThat(first.getLong("created")).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
    assertThat(first.getJsonArray("choices").getJsonObject(0).getJsonObject("delta"))
        .isEqualTo(new JsonObject().put("role", "assistant").put("content", ""));
    assertThat(first.containsKey("usage")).as("usage: null on every chunk with include_usage").isTrue();
    assertThat(first.getValue("usage")).isNull();
    assertThat(new JsonObject(data.get(1)).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
        .getString("content")).isEqualTo("Hi");
    JsonObject finish = new JsonObject(data.get(3)).getJsonArray("choices").getJsonObject(0);
    assertThat(finish.getString("finish_reason")).isEqualTo("length");
    assertThat(finish.getJsonObject("delta")).isEqualTo(new JsonObject());
    JsonObject usage = new JsonObject(data.get(4));
    assertThat(usage.getJsonArray("choices")).isEmpty();
    assertThat(usage.getJsonObject("usage")).isEqualTo(new JsonObject().put("prompt_tokens", 5)
        .put("completion_tokens", 2).put("total_tokens", 7).put("prompt_tokens_details", NO_CACHED)
        .put("completion_tokens_details", NO_REASONING));
    assertThat(data.subList(0, 5)).extracting(d -> new JsonObject(d).getString("id")).containsOnly(first.getString("id"));
  }

  @Test
  void withoutIncludeUsageThereIsNoUsageChunk() throws Exception {
    List<String> data = stream(body("hello"));
    assertThat(data).hasSize(5);
    assertThat(new JsonObject(data.get(0)).containsKey("usage")).isFalse();
  }

  @Test
  void failureAfterTheFirstTokenIsAnErrorChunkAndNoDone() throws Exception {
    List<String> data = stream(body("fail-after-first"));

    assertThat(data).hasSize(3).doesNotContain("[DONE]");
    assertThat(new JsonObject(data.get(2))).isEqualTo(new JsonObject().put("error", new JsonObject()
        .put("message", "upstream reset").put("type", "server_error").putNull("param").put("code", "upstream_error")));
  }

  @Test
  void wholeCompletionHasOpenAiShape() throws Exception {
    Answer answer = post(body("hello").put("model", "scripted/script-2"));

    assertThat(answer.status).isEqualTo(200);
    JsonObject completion = answer.json();
    assertThat(completion.getString("object")).isEqualTo("chat.completion");
    assertThat(completion.getString("model")).isEqualTo("scripted/script-2");
    assertThat(completion.getJsonArray("choices")).containsExactly(new JsonObject().put("index", 0)
        .put("message", new JsonObject().put("role", "assistant").put("content", "Hi there").putNull("refusal"))
        .putNull("logprobs").put("finish_reason", "length"));
    assertThat(completion.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(7);
  }

  private static final JsonObject NO_CACHED = new JsonObject().put("cached_tokens", 0);
  private static final JsonObject NO_REASONING = new JsonObject().put("reasoning_tokens", 0);

  @Test
  void otherFinishReasonReadsAsStopAndMissingUsageIsCounted() throws Exception {
    JsonObject completion = post(body("plain")).json();
    assertThat(completion.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    assertThat(completion.getJsonObject("usage")).isEqualTo(new JsonObject().put("prompt_tokens", 0)
        .put("completion_tokens", 1).put("total_tokens", 1).put("prompt_tokens_details", NO_CACHED)
        .put("completion_tokens_details", NO_REASONING));
  }

  @Test
  void modelDefaultsToTheConfiguredOne() throws Exception {
    JsonObject body = body("plain");
    body.remove("model");
    assertThat(post(body).json().getString("model")).isEqualTo("scripted/script-1");
  }

  @Test
  void textPartsAreJoinedAndDeveloperIsASystemMessage() throws Exception {
    JsonObject body = body("plain").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "developer").put("content", "be brief"))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "pl"))
            .add(new JsonObject().put("type", "text").put("text", "ain")))));
    assertThat(post(body).status).isEqualTo(200);
    var request = gateway.upstream().generations("plain").get(gateway.upstream().generations("plain").size() - 1).request();
    assertThat(request.messages().get(0).role()).isEqualTo(io.llmgate.stream.Role.SYSTEM);
    assertThat(request.lastUserText()).isEqualTo("plain");
  }

  @Test
  void unsupportedRequestsAreRefusedAndNamed() throws Exception {
    assertRefused(body("plain").put("n", 2), 400, "n: 2 (expected: 1)");
    assertRefused(body("plain").put("tools", new JsonArray().add(new JsonObject())), 400,
        "tools[0].type: missing (expected: \"function\")");
    assertRefused(body("plain").put("stream", "yes"), 400, "stream: \"yes\" (expected: true or false)");
    assertRefused(body("plain").put("max_tokens", -1), 400, "max_tokens: -1 (expected: an integer > 0)");
    assertRefused(body("plain").put("messages", new JsonArray().add(new JsonObject().put("role", "user")
        .put("content", new JsonArray().add(new JsonObject().put("type", "image_url"))))), 400,
        "messages[0].content[0].image_url: missing (expected: an object)");
    assertRefused(body("plain").put("messages", new JsonArray().add(new JsonObject().put("role", "user")
        .put("content", new JsonArray().add(new JsonObject().put("type", "input_audio"))))), 400,
        "messages[0].content[0].type: \"input_audio\" (expected: text or image_url)");
  }

  @Test
  void thinkingInAnthropicsFormAsksForReasoning() throws Exception {
    assertThat(reasoningOf(body("plain").put("thinking", new JsonObject().put("type", "enabled")
        .put("budget_tokens", 2048)).put("reasoning_effort", "high")))
        .contains(new Reasoning(Optional.of(Reasoning.Effort.HIGH), OptionalInt.of(2048)));
    assertThat(reasoningOf(body("plain").put("thinking", new JsonObject().put("type", "disabled"))))
        .contains(new Reasoning(Optional.of(Reasoning.Effort.NONE), OptionalInt.empty()));
    assertThat(reasoningOf(body("plain"))).isEmpty();
  }

  @Test
  void badThinkingIsNamedAsTheClientSpelledIt() throws Exception {
    String expected = " (expected: {type: \"enabled\", budget_tokens} or {type: \"disabled\"}, the latter with no"
        + " reasoning_effort but none)";
    assertRefused(body("plain").put("thinking", new JsonObject().put("type", "enabled")), 400,
        "thinking: an object" + expected);
    assertRefused(body("plain").put("thinking", true), 400, "thinking: true" + expected);
    assertRefused(body("plain").put("thinking", new JsonObject().put("type", "disabled"))
        .put("reasoning_effort", "low"), 400, "thinking: an object" + expected);
    assertRefused(body("plain").put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", -1)),
        400, "thinking.budget_tokens: -1 (expected: an integer >= 0)");
  }

  /** What the provider was asked for, after a successful whole completion of {@code body}. */
  private static Optional<Reasoning> reasoningOf(JsonObject body) throws Exception {
    assertThat(post(body).status).isEqualTo(200);
    List<ScriptedUpstream.Generation> generations = gateway.upstream().generations("plain");
    return generations.get(generations.size() - 1).request().options().reasoning();
  }

  @Test
  void badSamplingAndFormatFieldsAreNamedAsOpenAiSpellsThem() throws Exception {
    assertRefused(body("plain").put("top_p", 3), 400, "top_p: 3 (expected: a number from 0 to 1)");
    assertRefused(body("plain").put("frequency_penalty", 9), 400, "frequency_penalty: 9 (expected: a number from -2 to 2)");
    assertRefused(body("plain").put("reasoning_effort", "max"), 400,
        "reasoning_effort: \"max\" (expected: none, minimal, low, medium or high)");
    assertRefused(body("plain").put("response_format", new JsonObject().put("type", "json_schema")
        .put("json_schema", new JsonObject().put("name", "a b"))), 400,
        "response_format.json_schema.name: \"a b\" (expected: 1 to 64 of a-z, A-Z, 0-9, _ and -)");
    assertRefused(body("plain").put("stop", new JsonArray().add("a").add("b").add("c").add("d").add("e")), 400,
        "stop: an array (expected: a non-empty string or an array of at most 4 of them)");
  }

  @Test
  void unknownModelIsNotFoundAndNotRetried() throws Exception {
    Answer answer = post(body("plain").put("model", "gpt-4o"));
    assertThat(answer.status).isEqualTo(404);
    assertThat(answer.headers.get("x-should-retry")).isEqualTo("false");
    assertThat(answer.json().getJsonObject("error").getString("message"))
        .isEqualTo("model: \"gpt-4o\" is not available; provider: \"gpt-4o\" (expected one of: scripted) (see GET /v1/models)");
  }

  @Test
  void malformedAndOversizedBodiesAreRefused() throws Exception {
    Answer malformed = post(Buffer.buffer("{"), token);
    assertThat(malformed.status).isEqualTo(400);
    assertThat(malformed.json().getJsonObject("error").getString("code")).isEqualTo("invalid_request");
    Answer oversized = post(body("x".repeat(MAX_REQUEST_BYTES)).toBuffer(), token);
    assertThat(oversized.status).isEqualTo(413);
    assertThat(oversized.json().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
  }

  @Test
  void connectionsStayUsableAfterAnOversizedBodyWasRefused() throws Exception {
    for (int i = 0; i < 8; i++) {
      assertThat(post(body("x".repeat(4 * MAX_REQUEST_BYTES)).toBuffer(), token).status).isEqualTo(413);
      assertThat(post(body("plain")).status).isEqualTo(200);
    }
  }

  @Test
  void modelsNeedATokenAndListProvidersAndTheirModels() throws Exception {
    RequestOptions anonymous = new RequestOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/v1/models");
    int status = http.request(anonymous).compose(r -> r.send()).map(r -> r.statusCode()).await(10, TimeUnit.SECONDS);
    assertThat(status).isEqualTo(401);

    JsonObject list = new JsonObject(HttpEventStream.send(http, HttpMethod.GET, gateway.port(), "/v1/models", token)
        .await(10, TimeUnit.SECONDS));
    assertThat(list.getString("object")).isEqualTo("list");
    assertThat(list.getJsonArray("data")).extracting(m -> ((JsonObject) m).getString("id"))
        .containsExactly("scripted", "scripted/script-1", "scripted/script-2");
  }

  @Test
  void streamCancelledByIdFromAnotherTransportEndsWithAnErrorChunk() throws Exception {
    List<String> data = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    HttpEventStream.post(http, gateway.port(), "/v1/chat/completions", token, body("long").put("stream", true),
        frame -> data.add(frame.data()), refused -> { }, () -> ended.complete(null));
    while (data.size() < 3) {
      Thread.sleep(5);
    }
    String id = new JsonObject(data.get(0)).getString("id");

    JsonObject ack = new JsonObject(HttpEventStream.send(http, HttpMethod.DELETE, gateway.port(), "/v1/streams/" + id,
        token).await(10, TimeUnit.SECONDS));

    assertThat(ack.getBoolean("cancelled")).isTrue();
    ended.get(10, TimeUnit.SECONDS);
    assertThat(new JsonObject(data.get(data.size() - 1)).getJsonObject("error").getString("code")).isEqualTo("cancelled");
  }

  private static void assertRefused(JsonObject body, int status, String message) throws Exception {
    Answer answer = post(body);
    assertThat(answer.status).as(message).isEqualTo(status);
    assertThat(answer.json().getJsonObject("error").getString("message")).isEqualTo(message);
    assertThat(answer.json().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
  }

  private static JsonObject body(String prompt) {
    return new JsonObject().put("model", "scripted").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  private static List<String> stream(JsonObject body) throws Exception {
    List<String> data = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    HttpEventStream.post(http, gateway.port(), "/v1/chat/completions", token, body.put("stream", true),
        frame -> data.add(frame.data()), refused -> ended.completeExceptionally(new AssertionError(refused.toString())),
        () -> ended.complete(null));
    ended.get(10, TimeUnit.SECONDS);
    return data;
  }

  private record Answer(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private static Answer post(JsonObject body) throws Exception {
    return post(body.toBuffer(), token);
  }

  private static Answer post(Buffer body, String bearer) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(gateway.port()).setURI("/v1/chat/completions").putHeader("Authorization", "Bearer " + bearer);
    // body() is asked for in the callback of send() itself, on the event loop: one hop later (a compose
    // chained outside) the body of a small response may already have gone by.
    return http.request(options).compose(request -> request.send(body)
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.headers(), b))))
        .await(10, TimeUnit.SECONDS);
  }
}
