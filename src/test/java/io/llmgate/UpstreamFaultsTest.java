package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.GatewayConfig;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.openai.ChatChunks;
import io.llmgate.testing.MetricsScrape;
import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.EventRecorder.Received;
import io.llmgate.transport.HttpEventStream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every upstream fault of issue 12, through the production wiring (the real OpenAI provider against a
 * {@link FakeUpstream}, a real SSE client): the client sees exactly one final event, with the code that says
 * what happened, its answer ends, and nothing is left running — no stream registered, the
 * {@code llmgate_streams_active} gauge at 0, and no upstream response left open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamFaultsTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int FRAMES = 20;
  private static final int ATTEMPTS = 3;
  /** The statuses the error table calls overload ({@code upstream_unavailable}); other 5xx are server errors. */
  private static final Set<String> OVERLOAD = Set.of("503", "529");
  private Vertx vertx;
  private FakeUpstream openai;
  private int refusingPort;
  private Gateway gateway;
  private HttpClient client;
  /** The fake's request count when the test's (last) stream started. */
  private long requestsBefore;

  /** HTTP/1.1 to the upstream unless a subclass runs every fault on HTTP/2 ({@code providers.http2}). */
  protected boolean http2() {
    return false;
  }

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    openai = FakeUpstream.start(vertx);
    try (ServerSocket socket = new ServerSocket(0)) {
      refusingPort = socket.getLocalPort(); // closed again: a connect there is refused
    }
    ProvidersSettings providers = ProvidersSettings.fromJson(new JsonObject()
        .put("timeouts", new JsonObject().put("connect", "2s").put("first-token", "400ms").put("idle", "400ms"))
        .put("retry", new JsonObject().put("max-attempts", ATTEMPTS).put("initial-backoff", "20ms")
            .put("max-backoff", "100ms").put("max-retry-after", "5s"))
        .put("http2", http2()));
    GatewayConfig config = GatewayConfig.defaults(0).withJwtSecret(Optional.of("faults-test-secret-0123456789abcdef"))
        .withProviders(providers)
        .withEnv(Map.of("OPENAI_API_KEY", "sk-faults-test", "OPENAI_BASE_URL", openai.baseUrl() + "/v1",
            "DEEPSEEK_API_KEY", "sk-faults-test", "DEEPSEEK_BASE_URL", "http://127.0.0.1:" + refusingPort));
    gateway = Gateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
  }

  @AfterAll
  void stop() throws Exception {
    openai.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  // ---- before anything is answered -----------------------------------------------------------------

  @Test
  void anUpstreamThatRefusesTheConnectionIsUpstreamUnavailableAfterTheRetries() throws Exception {
    Stream stream = start("deepseek");

    Received error = stream.awaitOnlyFinal("llm:stream:error");

    assertThat(error.data().getString("code")).isEqualTo("upstream_unavailable");
    assertThat(error.data().getBoolean("retryable")).isTrue();
    assertThat(error.data().getString("error")).contains("cannot connect to 127.0.0.1:" + refusingPort);
    assertNothingLeftRunning(List.of());
  }

  @Test
  void anUpstreamThatStallsBeforeItsHeadersTimesOutAndItsConnectionIsClosed() throws Exception {
    openai.enqueue(answer().stallBeforeHeaders());
    Stream stream = start("openai");
    Recorded request = openai.takeRequest();

    Received error = stream.awaitOnlyFinal("llm:stream:error");

    assertThat(error.data().getString("code")).isEqualTo("upstream_timeout");
    assertThat(error.data().getString("error")).contains("no first token within 400 ms");
    assertThat(error.data().containsKey("partialResponse")).isFalse();
    assertNothingLeftRunning(List.of(request));
  }

  @Test
  void anUpstreamThatStallsAfterItsHeadersBeforeTheFirstTokenTimesOut() throws Exception {
    openai.enqueue(answer().stallAfter(0));
    Stream stream = start("openai");
    Recorded request = openai.takeRequest();

    Received error = stream.awaitOnlyFinal("llm:stream:error");

    assertThat(error.data().getString("code")).isEqualTo("upstream_timeout");
    assertThat(error.data().getString("error")).contains("no first token within 400 ms");
    assertNothingLeftRunning(List.of(request));
  }

  // ---- mid-stream: each keeps what was sent ----------------------------------------------------------

  @Test
  void anUpstreamThatStallsMidStreamHitsTheIdleTimeoutAndKeepsThePartialAnswer() throws Exception {
    openai.enqueue(answer().stallAfter(lengthOfFrames(5)));
    Stream stream = start("openai");
    Recorded request = openai.takeRequest();

    Received error = stream.awaitOnlyFinal("llm:stream:error");

    assertThat(stream.events.tokens()).containsExactly("w0 ", "w1 ", "w2 ", "w3 ", "w4 ");
    assertThat(error.data().getString("code")).isEqualTo("upstream_timeout");
    assertThat(error.data().getString("error")).contains("no frame within 400 ms");
    assertThat(error.data().getString("partialResponse")).isEqualTo("w0 w1 w2 w3 w4 ");
    assertNothingLeftRunning(List.of(request));
  }

  @Test
  void aConnectionResetMidBodyIsAnUpstreamErrorThatKeepsThePartialAnswer() throws Exception {
    openai.enqueue(answer().resetAfter(lengthOfFrames(3) + 7));
    Stream stream = start("openai");
    Recorded request = openai.takeRequest();

    Received error = stream.awaitOnlyFinal("llm:stream:error");

    assertThat(stream.events.tokens()).containsExactly("w0 ", "w1 ", "w2 ");
    assertThat(error.data().getString("code")).isEqualTo("upstream_error");
    assertThat(error.data().getString("partialResponse")).isEqualTo("w0 w1 w2 ");
    assertThat(openai.requestCount()).as("never retried once a token went out").isEqualTo(requestsBefore + 1);
    assertNothingLeftRunning(List.of(request));
  }

  @Test
  void anUpstreamThatEndsWithoutItsEndMarkerIsATruncationCarryingThePartialAnswer() throws Exception {
    openai.enqueue(answer().endAfter(lengthOfFrames(4)));
    Stream stream = start("openai");
    Recorded request = openai.takeRequest();

    Received error = stream.awaitOnlyFinal("llm:stream:error");

    assertThat(stream.events.tokens()).containsExactly("w0 ", "w1 ", "w2 ", "w3 ");
    assertThat(error.data().getString("code")).isEqualTo("upstream_truncated");
    assertThat(error.data().getBoolean("retryable")).isTrue();
    assertThat(error.data().getString("error")).contains("before its end marker (expected: data: [DONE])");
    assertThat(error.data().getString("partialResponse")).isEqualTo("w0 w1 w2 w3 ");
    assertNothingLeftRunning(List.of(request));
  }

  @Test
  void aMalformedFrameMidStreamIsAnUpstreamErrorAndTheUpstreamIsClosed() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(frames(), 0, lengthOfFrames(2));
    body.write("data: {\"choices\": [\n\n".getBytes(StandardCharsets.UTF_8));
    openai.enqueue(Reply.stream(body.toByteArray()).keepAliveEvery(100));
    Stream stream = start("openai");
    Recorded request = openai.takeRequest();

    Received error = stream.awaitOnlyFinal("llm:stream:error");

    assertThat(stream.events.tokens()).containsExactly("w0 ", "w1 ");
    assertThat(error.data().getString("code")).isEqualTo("upstream_error");
    assertThat(error.data().getBoolean("retryable")).isFalse();
    assertThat(error.data().getString("error")).contains("malformed frame").contains("{\"choices\": [");
    assertThat(error.data().getString("partialResponse")).isEqualTo("w0 w1 ");
    assertNothingLeftRunning(List.of(request));
  }

  // ---- refusals the upstream repeats -------------------------------------------------------------------

  @Test
  void a429WithRetryAfterEveryTimeIsWaitedOutThenUpstreamRateLimited() throws Exception {
    for (int i = 0; i < ATTEMPTS; i++) {
      openai.enqueue(Reply.status(429).header("retry-after", "1")
          .body("{\"error\":{\"message\":\"Rate limit reached, try " + i + "\",\"type\":\"requests\"}}"));
    }
    Stream stream = start("openai");
    List<Recorded> requests = new ArrayList<>();
    List<Long> arrivals = new ArrayList<>();
    for (int i = 0; i < ATTEMPTS; i++) {
      requests.add(openai.takeRequest());
      arrivals.add(System.nanoTime());
    }

    Received error = stream.awaitOnlyFinal("llm:stream:error");

    assertThat(error.data().getString("code")).isEqualTo("upstream_rate_limited");
    assertThat(error.data().getBoolean("retryable")).isTrue();
    assertThat(error.data().getString("error")).contains("HTTP 429").contains("try " + (ATTEMPTS - 1));
    for (int i = 1; i < ATTEMPTS; i++) {
      assertThat(Duration.ofNanos(arrivals.get(i) - arrivals.get(i - 1))).as("retry-after: 1 honoured")
          .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }
    assertThat(openai.requestCount()).isEqualTo(requestsBefore + ATTEMPTS);
    assertNothingLeftRunning(requests);
  }

  @Test
  void a5xxStormGivesEveryClientOneErrorNamingItsLastStatusAndNothingIsLeft() throws Exception {
    int clients = 20;
    int[] statuses = {500, 502, 503, 529};
    for (int i = 0; i < clients * ATTEMPTS; i++) {
      int status = statuses[i % statuses.length];
      openai.enqueue(Reply.status(status).body("{\"error\":{\"message\":\"storm " + status + "\"}}"));
    }
    long before = openai.requestCount();
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      streams.add(start("openai"));
    }
    List<Recorded> requests = new ArrayList<>();
    for (int i = 0; i < clients * ATTEMPTS; i++) {
      requests.add(openai.takeRequest());
    }

    Pattern lastStatus = Pattern.compile("HTTP (5\\d\\d)");
    for (Stream stream : streams) {
      Received error = stream.awaitOnlyFinal("llm:stream:error");
      Matcher status = lastStatus.matcher(error.data().getString("error"));
      assertThat(status.find()).as(error.data().encode()).isTrue();
      String expected = OVERLOAD.contains(status.group(1)) ? "upstream_unavailable" : "upstream_error";
      assertThat(error.data().getString("code")).as(error.data().encode()).isEqualTo(expected);
      assertThat(error.data().getBoolean("retryable")).isTrue();
    }
    assertThat(openai.requestCount()).as("each client's stream tried %d times, no more", ATTEMPTS)
        .isEqualTo(before + (long) clients * ATTEMPTS);
    assertNothingLeftRunning(requests);
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  /** One SSE client's stream and whether its response has ended. */
  private record Stream(EventRecorder events, CompletableFuture<Void> ended) {
    /** Exactly one final event, the last, of the kind expected; the response ends after it. */
    Received awaitOnlyFinal(String kind) throws Exception {
      Received last = events.awaitFinal(WAIT);
      ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      Thread.sleep(200); // nothing may follow it a while later either
      assertThat(events.finalCount()).as(events.summary()).isEqualTo(1);
      List<Received> all = events.events();
      assertThat(all.get(all.size() - 1)).isSameAs(last);
      assertThat(last.event()).as(events.summary()).isEqualTo(kind);
      return last;
    }
  }

  private Stream start(String provider) throws Exception {
    requestsBefore = openai.requestCount();
    EventRecorder events = new EventRecorder();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    JsonObject request = new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", provider)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
    HttpEventStream.post(client, gateway.port(), "/v1/streams", gateway.authenticator().issue("u-" + UUID.randomUUID(), 3600),
        request, frame -> events.add(frame.event(), new JsonObject(frame.data())),
        refused -> events.add(EventRecorder.ERROR, new JsonObject(refused)), () -> ended.complete(null));
    return new Stream(events, ended);
  }

  /** No stream registered, the active gauge back at 0, and every upstream response ended or its connection closed. */
  private void assertNothingLeftRunning(List<Recorded> requests) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (gateway.streams().activeStreams() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(gateway.streams().activeStreams()).as("streams registered").isZero();
    assertThat(MetricsScrape.sum(client, gateway.port(), "llmgate_streams_active")).as("llmgate_streams_active").isZero();
    for (Recorded request : requests) {
      request.awaitFinished();
    }
  }

  /** {@value #FRAMES} OpenAI chunks {@code w0 }, {@code w1 } … then {@code [DONE]}. */
  private static byte[] frames() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < FRAMES; i++) {
      body.writeBytes(ChatChunks.textFrame("gpt-faults", "w" + i + " "));
    }
    body.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  private static Reply answer() {
    return Reply.stream(frames());
  }

  private static int lengthOfFrames(int n) {
    return io.llmgate.provider.Fixtures.lengthOfFrames(frames(), n);
  }
}
