package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.config.ResumeConfig;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.SseReader;
import io.llmgate.testing.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one stream may hold is bounded: {@code done.fullResponse} by {@code limits.max-full-response} (cut,
 * with {@code fullResponseTruncated: true}, while every token still streams), the resume log by
 * {@code resume.max-chars-per-stream}; a resume that asks for events the log dropped gets {@code resume_gap}.
 */
class StreamMemoryCapsTest {
  private static final int MAX_FULL_RESPONSE = 12;
  private static final int MAX_LOG_CHARS = 20;
  private static TestGateway gateway;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config
        .withLimits(Limits.DEFAULT.withMaxFullResponse(MAX_FULL_RESPONSE))
        .withResume(new ResumeConfig(Duration.ofMinutes(5), 1000, 10_000, Duration.ZERO, MAX_LOG_CHARS)));
    gateway.upstream()
        .script("six", Script.upstream().opened("m").text("aaaaa", "bbbbb", "ccccc", "ddddd", "eeeee", "fffff")
            .finish(FinishReason.STOP))
        .script("short", Script.upstream().opened("m").text("hello").finish(FinishReason.STOP))
        .script("emoji", Script.upstream().opened("m").text("abcdefghijk", "\uD83D\uDE00!").finish(FinishReason.STOP));
    http = gateway.vertx().createHttpClient();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void fullResponseIsCutAtItsCapWithAFlagWhileEveryTokenStreams() throws Exception {
    List<SseReader.Frame> frames = frames(post(request("six"), null).body);

    assertThat(frames).filteredOn(f -> f.event().equals("llm:stream:token"))
        .extracting(f -> new JsonObject(f.data()).getString("token"))
        .containsExactly("aaaaa", "bbbbb", "ccccc", "ddddd", "eeeee", "fffff");
    JsonObject done = done(frames);
    assertThat(done.getString("fullResponse")).isEqualTo("aaaaabbbbbcc");
    assertThat(done.getBoolean("fullResponseTruncated")).isTrue();
    assertThat(done.getLong("tokenCount")).isEqualTo(6);
  }

  @Test
  void aWholeFullResponseHasNoFlag() throws Exception {
    JsonObject done = done(frames(post(request("short"), null).body));
    assertThat(done.getString("fullResponse")).isEqualTo("hello");
    assertThat(done.containsKey("fullResponseTruncated")).isFalse();
  }

  @Test
  void theCutNeverSplitsACharacter() throws Exception {
    JsonObject done = done(frames(post(request("emoji"), null).body));
    assertThat(done.getString("fullResponse")).isEqualTo("abcdefghijk"); // the emoji's two chars do not fit in one
    assertThat(done.getBoolean("fullResponseTruncated")).isTrue();
  }

  @Test
  void aResumeOfEventsTheLogDroppedIsAResumeGapAndTheKeptOnesReplay() throws Exception {
    JsonObject request = request("six");
    post(request, null);

    // Twenty characters keep the newest four tokens (indexes 2 to 5): index 1 and older are gone.
    Answer gap = post(request, "0");
    assertThat(gap.status).isEqualTo(410);
    JsonObject error = new JsonObject(gap.body);
    assertThat(error.getString("code")).isEqualTo("resume_gap");
    assertThat(error.getString("error")).isEqualTo("lastIndex: 0 (expected: >= 1; events 1 to 1 of this stream are"
        + " no longer kept, over resume.max-events-per-stream or resume.max-chars-per-stream)");

    List<SseReader.Frame> replayed = frames(post(request, "1").body);
    assertThat(replayed).filteredOn(f -> f.event().equals("llm:stream:token")).extracting(SseReader.Frame::id)
        .containsExactly("2", "3", "4", "5");
    assertThat(done(replayed).getBoolean("fullResponseTruncated")).isTrue();
  }

  @Test
  void theOpenAiApiSaysLengthForAContentCutAtTheCap() throws Exception {
    JsonObject body = new JsonObject().put("model", ScriptedUpstream.NAME).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "six")));
    Answer answer = send("/v1/chat/completions", body, null);

    JsonObject choice = new JsonObject(answer.body).getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getJsonObject("message").getString("content")).isEqualTo("aaaaabbbbbcc");
    assertThat(choice.getString("finish_reason")).isEqualTo("length");
  }

  private static JsonObject request(String prompt) {
    return new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", ScriptedUpstream.NAME)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  private static JsonObject done(List<SseReader.Frame> frames) {
    assertThat(frames).last().extracting(SseReader.Frame::event).isEqualTo("llm:stream:done");
    return new JsonObject(frames.get(frames.size() - 1).data());
  }

  private static List<SseReader.Frame> frames(String text) {
    List<SseReader.Frame> frames = new ArrayList<>();
    new SseReader(frames::add, comment -> {}).feed(text);
    return frames;
  }

  private record Answer(int status, String body) {}

  private static Answer post(JsonObject body, String lastEventId) throws Exception {
    return send("/v1/streams", body, lastEventId);
  }

  private static Answer send(String uri, JsonObject body, String lastEventId) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(gateway.port()).setURI(uri).putHeader("Authorization", "Bearer " + gateway.token("capped"));
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    Buffer payload = body.toBuffer();
    return http.request(options).compose(request -> request.send(payload)
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b.toString()))))
        .await(10, TimeUnit.SECONDS);
  }
}
