package io.llmgate.transport.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.SseReader;
import io.llmgate.testing.TestGateway;
import io.llmgate.transport.HttpEventStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What only the SSE transport has: its wire form, headers, heartbeat, HTTP refusals, DELETE. */
class SseRoutesTest {
  private static final int MAX_REQUEST_BYTES = 4096;
  private static TestGateway gateway;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config
        .withLimits(new Limits(60, Duration.ofMinutes(1), 8, MAX_REQUEST_BYTES))
        .withApi(config.api().withHeartbeat(Duration.ofMillis(100))));
    gateway.upstream()
        .script("hello", Script.upstream().opened("m").reasoning("hmm").text("Hi", " there").finish(FinishReason.STOP))
        .script("silent", Script.upstream().every(10).opened("m").every(700).text("late").every(10)
            .finish(FinishReason.STOP))
        .script("long", Script.upstream().every(50).opened("m").tokens(400).finish(FinishReason.STOP))
        .script("medium", Script.upstream().every(20).opened("m").tokens(20).finish(FinishReason.STOP));
    http = gateway.vertx().createHttpClient();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void eventStreamHeadersStopProxiesFromBufferingAndCompressing() throws Exception {
    Recorded recorded = post(gateway.token("alice"), request("hello"));
    recorded.ended.get(10, TimeUnit.SECONDS);

    assertThat(recorded.http.status()).isEqualTo(200);
    assertThat(recorded.http.headers().get("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
    assertThat(recorded.http.headers().get("Cache-Control")).isEqualTo("no-cache");
    assertThat(recorded.http.headers().get("X-Accel-Buffering")).isEqualTo("no");
    assertThat(recorded.http.headers().get("Content-Encoding")).as("asked for gzip, got none").isIn(null, "identity");
  }

  @Test
  void acknowledgementFirstThenEventsWithTheirIndexAsId() throws Exception {
    Recorded recorded = post(gateway.token("alice"), request("hello"));
    recorded.ended.get(10, TimeUnit.SECONDS);

    assertThat(recorded.frames).extracting(SseReader.Frame::event).containsExactly("llm:chat:stream:acknowledged",
        "llm:stream:start", "llm:stream:reasoning", "llm:stream:token", "llm:stream:token", "llm:stream:done");
    assertThat(recorded.frames).extracting(SseReader.Frame::id).containsExactly(null, null, "0", "1", "2", null);
    JsonObject ack = new JsonObject(recorded.frames.get(0).data());
    assertThat(ack.getString("provider")).isEqualTo(ScriptedUpstream.NAME);
    assertThat(new JsonObject(recorded.frames.get(5).data()).getString("fullResponse")).isEqualTo("Hi there");
  }

  @Test
  void commentHeartbeatWhileTheUpstreamIsSilent() throws Exception {
    Recorded recorded = post(gateway.token("alice"), request("silent"));
    recorded.ended.get(10, TimeUnit.SECONDS);

    assertThat(recorded.http.comments()).hasSizeGreaterThanOrEqualTo(3).allMatch("keep-alive"::equals);
  }

  @Test
  void deleteCancelsOnlyTheCallersOwnStream() throws Exception {
    String sessionId = "s-" + UUID.randomUUID();
    Recorded recorded = post(gateway.token("alice"), request("long").put("sessionId", sessionId));
    recorded.awaitFrames(4);

    JsonObject stranger = delete(gateway.token("mallory"), sessionId);
    JsonObject owner = delete(gateway.token("alice"), sessionId);

    assertThat(stranger.getBoolean("cancelled")).isFalse();
    assertThat(owner.getBoolean("cancelled")).isTrue();
    assertThat(owner.getString("sessionId")).isEqualTo(sessionId);
    recorded.ended.get(10, TimeUnit.SECONDS);
    assertThat(recorded.frames.get(recorded.frames.size() - 1).event()).isEqualTo("llm:stream:cancelled");
  }

  @Test
  void deleteWithoutTokenIsUnauthorized() throws Exception {
    var response = http.request(new RequestOptions().setMethod(HttpMethod.DELETE).setHost("127.0.0.1")
        .setPort(gateway.port()).setURI("/v1/streams/x"))
        .compose(request -> request.send()).await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void malformedJsonIsABadRequest() throws Exception {
    Raw raw = raw(gateway.token("alice"), Buffer.buffer("{\"sessionId\": "));
    assertThat(raw.status).isEqualTo(400);
    assertThat(raw.json().getString("code")).isEqualTo("invalid_request");
    assertThat(raw.json().getString("error")).isEqualTo("body: not valid JSON (expected: a JSON object)");
  }

  @Test
  void jsonThatIsNotAnObjectIsABadRequest() throws Exception {
    Raw raw = raw(gateway.token("alice"), Buffer.buffer("[1, 2]"));
    assertThat(raw.status).isEqualTo(400);
    assertThat(raw.json().getString("error")).isEqualTo("body: an array (expected: a JSON object)");
  }

  @Test
  void bodyOverTheSizeLimitIsRefusedWith413() throws Exception {
    JsonObject huge = request("hello");
    huge.getJsonArray("messages").getJsonObject(0).put("content", "x".repeat(MAX_REQUEST_BYTES));
    Raw raw = raw(gateway.token("alice"), huge.toBuffer());
    assertThat(raw.status).isEqualTo(413);
    assertThat(raw.json().getString("code")).isEqualTo("invalid_request");
    assertThat(raw.json().getString("error")).contains(String.valueOf(MAX_REQUEST_BYTES));
  }

  @Test
  void duplicateSessionIsAConflictAndTheFirstStreamGoesOn() throws Exception {
    String sessionId = "s-" + UUID.randomUUID();
    Recorded first = post(gateway.token("bob"), request("long").put("sessionId", sessionId));
    first.awaitFrames(3);
    Raw second = raw(gateway.token("bob"), request("long").put("sessionId", sessionId).toBuffer());
    assertThat(second.status).isEqualTo(409);
    assertThat(second.json().getString("code")).isEqualTo("duplicate_session");
    assertThat(second.json().getString("sessionId")).isEqualTo(sessionId);
    delete(gateway.token("bob"), sessionId);
    first.ended.get(10, TimeUnit.SECONDS);
  }

  @Test
  void lastEventIdResumesTheStreamAfterThatIndexInsteadOfStartingIt() throws Exception {
    JsonObject body = request("hello");
    post(gateway.token("alice"), body).ended.get(10, TimeUnit.SECONDS);

    Raw resumed = raw(gateway.token("alice"), body.toBuffer(), "0");

    assertThat(resumed.status).isEqualTo(200);
    List<SseReader.Frame> frames = frames(resumed.text);
    assertThat(frames).extracting(SseReader.Frame::event).containsExactly("llm:stream:resume:acknowledged",
        "llm:stream:token", "llm:stream:token", "llm:stream:done");
    assertThat(frames).extracting(SseReader.Frame::id).containsExactly(null, "1", "2", null);
    JsonObject ack = new JsonObject(frames.get(0).data());
    assertThat(ack.getString("sessionId")).isEqualTo(body.getString("sessionId"));
    assertThat(ack.getBoolean("live")).isFalse();
    assertThat(ack.getInteger("replayed")).isEqualTo(3);
  }

  @Test
  void aStreamOutlivesItsDroppedConnectionAndLastEventIdContinuesItLive() throws Exception {
    String sessionId = "s-" + UUID.randomUUID();
    String prompt = "medium#" + sessionId;
    Recorded first = post(gateway.token("dora"), request(prompt).put("sessionId", sessionId));
    first.awaitFrames(4); // acknowledged, start, tokens 0 and 1
    String lastSeen = first.frames().get(3).id();
    first.http().disconnect().await(10, TimeUnit.SECONDS);

    Raw resumed = raw(gateway.token("dora"), new JsonObject().put("sessionId", sessionId).toBuffer(), lastSeen);

    List<SseReader.Frame> frames = frames(resumed.text);
    assertThat(new JsonObject(frames.get(0).data()).getBoolean("live")).isTrue();
    assertThat(frames.subList(1, frames.size() - 1)).extracting(SseReader.Frame::id)
        .isEqualTo(java.util.stream.IntStream.range(Integer.parseInt(lastSeen) + 1, 20).mapToObj(String::valueOf)
            .toList());
    assertThat(frames.get(frames.size() - 1).event()).isEqualTo("llm:stream:done");
    assertThat(gateway.upstream().awaitGeneration(prompt, 0, java.time.Duration.ofSeconds(10)).isCancelled()).isFalse();
  }

  @Test
  void lastEventIdWhileTheStreamRunsContinuesItLiveOnTheNewResponse() throws Exception {
    String sessionId = "s-" + UUID.randomUUID();
    Recorded first = post(gateway.token("carol"), request("long").put("sessionId", sessionId));
    first.awaitFrames(4); // acknowledged, start, tokens 0 and 1
    List<SseReader.Frame> frames = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    HttpEventStream again = HttpEventStream.post(http, gateway.port(), "/v1/streams", gateway.token("carol"),
        new JsonObject().put("sessionId", sessionId), "1", frames::add,
        refused -> ended.completeExceptionally(new AssertionError("refused: " + refused)), () -> ended.complete(null));
    Recorded second = new Recorded(again, frames, ended);
    second.awaitFrames(4);

    assertThat(new JsonObject(frames.get(0).data()).getBoolean("live")).isTrue();
    assertThat(frames.subList(1, 4)).extracting(SseReader.Frame::id).containsExactly("2", "3", "4");
    assertThat(delete(gateway.token("carol"), sessionId).getBoolean("cancelled")).isTrue();
    second.ended.get(10, TimeUnit.SECONDS);
    assertThat(frames.get(frames.size() - 1).event()).isEqualTo("llm:stream:cancelled");
  }

  @Test
  void lastEventIdForAnUnknownOrForeignSessionIsNotFoundAndABadIdIsABadRequest() throws Exception {
    JsonObject body = request("hello");
    post(gateway.token("alice"), body).ended.get(10, TimeUnit.SECONDS);

    Raw foreign = raw(gateway.token("mallory"), body.toBuffer(), "0");
    Raw unknown = raw(gateway.token("alice"), new JsonObject().put("sessionId", "never").toBuffer(), "-1");
    Raw bad = raw(gateway.token("alice"), body.toBuffer(), "soon");

    assertThat(foreign.status).isEqualTo(404);
    assertThat(foreign.json().getString("code")).isEqualTo("not_found");
    assertThat(unknown.status).isEqualTo(404);
    assertThat(unknown.json().getString("sessionId")).isEqualTo("never");
    assertThat(bad.status).isEqualTo(400);
    assertThat(bad.json().getString("error")).startsWith("Last-Event-ID: \"soon\" (expected:");
  }

  @Test
  void unreadableCancelAndResumeAreBadRequestsNamingWhatIsWrong() throws Exception {
    JsonObject tooLong = delete(gateway.token("alice"), "x".repeat(129));
    Raw noSession = raw(gateway.token("alice"), new JsonObject().put("provider", "x").toBuffer(), "3");
    Raw below = raw(gateway.token("alice"), new JsonObject().put("sessionId", "s-1").toBuffer(), "-2");

    assertThat(tooLong.getString("code")).isEqualTo("invalid_request");
    assertThat(tooLong.getString("error")).isEqualTo("sessionId: 129 characters (expected: at most 128)");
    assertThat(noSession.status).isEqualTo(400);
    assertThat(noSession.json().getString("error")).isEqualTo("sessionId: missing (expected: a non-empty string)");
    assertThat(below.status).isEqualTo(400);
    assertThat(below.json().getString("error")).isEqualTo("lastIndex: -2 (expected: an integer >= -1)");
    assertThat(below.json().getString("sessionId")).isEqualTo("s-1");
  }

  private static List<SseReader.Frame> frames(String text) {
    List<SseReader.Frame> frames = new java.util.ArrayList<>();
    new SseReader(frames::add, comment -> {}).feed(text);
    return frames;
  }

  private static JsonObject request(String prompt) {
    return new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", ScriptedUpstream.NAME)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  private record Recorded(HttpEventStream http, List<SseReader.Frame> frames, CompletableFuture<Void> ended) {
    void awaitFrames(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (frames.size() < count && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(frames).hasSizeGreaterThanOrEqualTo(count);
    }
  }

  private static Recorded post(String token, JsonObject body) throws Exception {
    List<SseReader.Frame> frames = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    HttpEventStream stream = HttpEventStream.post(http, gateway.port(), "/v1/streams", token, body, frames::add,
        refused -> ended.completeExceptionally(new AssertionError("refused: " + refused)), () -> ended.complete(null));
    return new Recorded(stream, frames, ended);
  }

  private record Raw(int status, String text) {
    JsonObject json() {
      return new JsonObject(text);
    }
  }

  private static Raw raw(String token, Buffer body) throws Exception {
    return raw(token, body, null);
  }

  private static Raw raw(String token, Buffer body, String lastEventId) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(gateway.port()).setURI("/v1/streams").putHeader("Authorization", "Bearer " + token);
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    return http.request(options).compose(request -> request.send(body)
        .compose(response -> response.body().map(b -> new Raw(response.statusCode(), b.toString()))))
        .await(10, TimeUnit.SECONDS);
  }

  private static JsonObject delete(String token, String sessionId) throws Exception {
    return new JsonObject(HttpEventStream.send(http, HttpMethod.DELETE, gateway.port(), "/v1/streams/" + sessionId,
        token).await(10, TimeUnit.SECONDS));
  }
}
