package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.GatewayConfig;
import io.llmgate.config.Limits;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.Fixtures;
import io.llmgate.stream.StreamEvent;
import io.llmgate.testing.RecordingSink;
import io.llmgate.testing.Requests;
import io.llmgate.transport.Command;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on the production wiring, with a real OpenAI-dialect upstream: what it shows
 * while a stream runs, and after streams ended by done, cancel (with its upstream-close latency), a
 * retry and a rate-limit refusal. Never asserts a duration, only that it was recorded.
 */
class GatewayMetricsTest {
  private static final String USER = "metrics-user-7f3a";
  private Vertx vertx;
  private FakeUpstream openai;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    openai = FakeUpstream.start(vertx);
    GatewayConfig config = GatewayConfig.defaults(0).withJwtSecret(Optional.of("metrics-test-secret-0123456789abcdef"))
        .withLimits(new Limits(3, Duration.ofMinutes(1), 8, 64 * 1024))
        .withEnv(Map.of("OPENAI_API_KEY", "sk-metrics-test", "OPENAI_BASE_URL", openai.baseUrl() + "/v1"))
        .withProviders(ProvidersSettings.fromJson(
            new JsonObject().put("retry", new JsonObject().put("initial-backoff", "5ms"))));
    gateway = Gateway.start(vertx, config).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void metricsShowAStreamWhileItRunsAndEveryOutcomeAfter() throws Exception {
    byte[] fixture = Fixtures.bytes("openai-chat/text-with-usage.sse");
    // 1: a 503 (retried), then three frames and a stall: the stream stays open until it is cancelled.
    openai.enqueue(Reply.status(503).body("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
    openai.enqueue(Reply.stream(fixture).stallAfter(Fixtures.lengthOfFrames(fixture, 3)));
    Client running = start("s-running");
    running.sink().firstToken.get(10, TimeUnit.SECONDS);

    String during = scrape();
    assertThat(value(during, "llmgate_streams_active", "provider=\"openai\"")).isEqualTo(1);
    assertThat(value(during, "llmgate_streams_started_total", "provider=\"openai\"")).isEqualTo(1);
    assertThat(value(during, "llmgate_upstream_retries_total", "error_type=\"upstream_error\"")).isEqualTo(1);
    assertThat(value(during, "gen_ai_server_time_to_first_token_seconds_count", "provider_name=\"openai\"")).isEqualTo(1);
    assertThat(value(during, "llmgate_gateway_overhead_seconds_count", "transport=\"test\"")).isPositive();
    assertThat(during).contains("llmgate_connections_active{transport=\"socketio\"}");

    FakeUpstream.Recorded upstream = openai.takeRequest();
    upstream = openai.takeRequest(); // the retry's request is the one streaming
    cancel("s-running");
    assertThat(running.sink().finalEvent.get(10, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Cancelled.class);
    upstream.awaitClosed();

    // 2: a whole stream with usage.
    openai.enqueue(Reply.stream(fixture));
    Client complete = start("s-complete");
    assertThat(complete.sink().finalEvent.get(10, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Done.class);

    // 3: the fourth message in the window (start, cancel, start, this) is refused.
    Client refused = start("s-refused");
    assertThat(refused.refusal().get(10, TimeUnit.SECONDS)).contains("rate_limited");

    String after = awaitScrape(text -> value(text, "llmgate_cancel_upstream_close_seconds_count", "openai") == 1);
    assertThat(value(after, "llmgate_streams_active", "provider=\"openai\"")).isZero();
    assertThat(value(after, "llmgate_streams_finished_total", "outcome=\"cancelled\"")).isEqualTo(1);
    assertThat(value(after, "llmgate_streams_finished_total", "outcome=\"done\"")).isEqualTo(1);
    assertThat(value(after, "gen_ai_server_request_duration_seconds_count", "outcome=\"done\"")).isEqualTo(1);
    assertThat(value(after, "llmgate_inter_token_gap_seconds_count", "openai")).isPositive();
    assertThat(value(after, "gen_ai_client_token_usage_tokens_sum", "gen_ai_token_type=\"input\"")).isEqualTo(78);
    assertThat(value(after, "gen_ai_client_token_usage_tokens_sum", "gen_ai_token_type=\"output\"")).isGreaterThan(9);
    assertThat(value(after, "llmgate_requests_refused_total", "code=\"rate_limited\"")).isEqualTo(1);
    assertThat(after).contains("gen_ai_server_time_to_first_token_seconds_bucket{")
        .contains("jvm_memory_used_bytes{area=\"heap\"")
        .doesNotContain(USER).doesNotContain("sk-metrics-test");
  }

  @Test
  void metricsCountDetachedResumedAndExpiredStreamsAndTheResumeLatency() throws Exception {
    byte[] fixture = Fixtures.bytes("openai-chat/text-with-usage.sse");
    openai.enqueue(Reply.stream(fixture).stallAfter(Fixtures.lengthOfFrames(fixture, 3)));
    openai.enqueue(Reply.stream(fixture).stallAfter(Fixtures.lengthOfFrames(fixture, 3)));
    Client phone = start("s-resumed", new JsonObject());
    phone.sink().firstToken.get(10, TimeUnit.SECONDS);
    Client gone = start("s-expired", new JsonObject().put("resumeGraceMs", 100));
    gone.sink().firstToken.get(10, TimeUnit.SECONDS);

    vertx.runOnContext(v -> gateway.streams().disconnected(USER, phone.sink()));
    vertx.runOnContext(v -> gateway.streams().disconnected(USER, gone.sink()));
    awaitScrape(text -> value(text, "llmgate_streams_detached_total", "transport=\"test\"") == 2);
    RecordingSink laptop = new RecordingSink();
    CompletableFuture<Boolean> resumed = new CompletableFuture<>();
    vertx.runOnContext(v -> gateway.streams().resume(USER, Requests.resume("s-resumed", -1), laptop)
        .onComplete(r -> resumed.complete(r.succeeded() && r.result().live())));
    assertThat(resumed.get(10, TimeUnit.SECONDS)).isTrue();

    // The expiry is counted just before the stream's cancelled end: a scrape can fall between the two.
    String after = awaitScrape(text -> value(text, "llmgate_streams_expired_total", "") == 1
        && value(text, "llmgate_streams_finished_total", "outcome=\"cancelled\"") == 1
        && value(text, "llmgate_resume_latency_seconds_count", "") == 1);
    assertThat(value(after, "llmgate_streams_detached_total", "transport=\"test\"")).isEqualTo(2);
    assertThat(value(after, "llmgate_streams_resumed_total", "detached=\"true\"")).isEqualTo(1);
    assertThat(value(after, "llmgate_resume_latency_seconds_count", "detached=\"true\"")).isEqualTo(1);
    assertThat(value(after, "llmgate_streams_expired_total", "transport=\"test\"")).isEqualTo(1);
    assertThat(value(after, "llmgate_streams_finished_total", "outcome=\"cancelled\"")).isEqualTo(1);
    assertThat(after).contains("llmgate_resume_latency_seconds_bucket{");
  }

  private Client start(String sessionId) {
    return start(sessionId, new JsonObject());
  }

  private Client start(String sessionId, JsonObject extra) {
    Client client = new Client(new RecordingSink(), new CompletableFuture<>());
    JsonObject payload = new JsonObject().put("sessionId", sessionId).put("provider", "openai")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")))
        .mergeIn(extra);
    vertx.runOnContext(v -> gateway.commands().run(Command.CHAT, USER, payload, client.sink())
        .onFailure(refusal -> client.refusal().complete(GatewayException.from(refusal).code().wire())));
    return client;
  }

  private void cancel(String sessionId) throws Exception {
    CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
    vertx.runOnContext(v -> gateway.streams().cancel(USER, Requests.cancel(sessionId))
        .onComplete(r -> cancelled.complete(r.succeeded() && r.result())));
    assertThat(cancelled.get(10, TimeUnit.SECONDS)).isTrue();
  }

  private String scrape() throws Exception {
    return vertx.createHttpClient()
        .request(HttpMethod.GET, gateway.port(), "127.0.0.1", "/metrics")
        // body() inside send()'s callback: one hop later a small body may already have gone by.
        .compose(request -> request.send().compose(response -> response.body()))
        .await(10, TimeUnit.SECONDS).toString();
  }

  /** Scrapes until {@code ready} holds: the upstream-close metric lands when the connection has closed. */
  private String awaitScrape(Ready ready) throws Exception {
    String text = scrape();
    for (int i = 0; i < 100 && !ready.test(text); i++) {
      Thread.sleep(50);
      text = scrape();
    }
    return text;
  }

  private interface Ready {
    boolean test(String scrape);
  }

  /** The sum of every sample of {@code metric} whose labels contain {@code labelPart}. */
  private static double value(String scrape, String metric, String labelPart) {
    Matcher sample = Pattern.compile("(?m)^" + metric + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
    double sum = 0;
    while (sample.find()) {
      if (sample.group(1).contains(labelPart)) {
        sum += Double.parseDouble(sample.group(2));
      }
    }
    return sum;
  }

  /** A client of one stream: what it was sent, or the code its request was refused with. */
  private record Client(RecordingSink sink, CompletableFuture<String> refusal) {}
}
