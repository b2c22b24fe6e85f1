package io.llmgate.cluster;

import static io.llmgate.transport.EventRecorder.DONE;
import static io.llmgate.transport.EventRecorder.ERROR;
import static io.llmgate.transport.EventRecorder.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.RedisServer;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.TwoNodes;
import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.EventRecorder.Received;
import io.llmgate.transport.HttpEventStream;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two gateway nodes (each on its own Vert.x, in this JVM) sharing one real redis-server: the per-user
 * limits hold across them, a cancel sent to either reaches the stream, health shows the cluster, and a Redis outage refuses new streams clearly while
 * running ones finish, until Redis is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  /** Refilled over an hour: no message comes back within a test, however slow the machine. */
  private static final int MESSAGES_PER_WINDOW = 20;
  private static final int STREAMS_PER_USER = 2;

  private TwoNodes nodes;
  private RedisServer redis;
  private TestGateway a;
  private TestGateway b;
  private HttpClient http;

  @BeforeAll
  void start() throws Exception {
    nodes = TwoNodes.start(config -> config.withLimits(new Limits(MESSAGES_PER_WINDOW, Duration.ofHours(1),
        STREAMS_PER_USER, Limits.DEFAULT.maxRequestBytes())), upstream -> upstream
        .script("short", Script.upstream().every(2).opened("script-1").text("ok").finish(FinishReason.STOP))
        .script("long", Script.upstream().every(50).opened("script-1").tokens(400).finish(FinishReason.STOP))
        .script("slow", Script.upstream().every(100).opened("script-1").tokens(30).finish(FinishReason.STOP)));
    a = nodes.a();
    b = nodes.b();
    redis = nodes.redis();
    http = a.vertx().createHttpClient();
  }

  @AfterAll
  void stop() throws Exception {
    nodes.close();
  }

  @Test
  void theRateLimitIsOneBudgetAcrossNodes() throws Exception {
    String user = user();
    for (int i = 0; i < MESSAGES_PER_WINDOW; i++) {
      TestGateway node = i % 2 == 0 ? a : b;
      assertThat(stream(node, user, "short").awaitFinal(WAIT).event()).isEqualTo(DONE);
    }

    assertThat(code(stream(a, user, "short").awaitFinal(WAIT))).isEqualTo("rate_limited");
    assertThat(code(stream(b, user, "short").awaitFinal(WAIT))).isEqualTo("rate_limited");
    assertThat(code(stream(b, user(), "short").awaitFinal(WAIT))).as("another user's budget").isNull();
  }

  @Test
  void startsRacingOnBothNodesGetExactlyTheRateAndTheCapAndARefusedStartTakesNothing() throws Exception {
    String user = user();
    int starts = MESSAGES_PER_WINDOW + 10;
    List<JsonObject> requests = new ArrayList<>();
    List<EventRecorder> answers = new ArrayList<>();
    for (int i = 0; i < starts; i++) {
      requests.add(request("long"));
      answers.add(stream(i % 2 == 0 ? a : b, user, requests.get(i)));
    }

    Map<String, List<String>> byOutcome = new TreeMap<>();
    for (int i = 0; i < starts; i++) {
      String outcome = outcome(answers.get(i));
      byOutcome.computeIfAbsent(outcome, k -> new ArrayList<>()).add(requests.get(i).getString("sessionId"));
    }

    // Every message up to the budget counts, the refused-for-the-cap ones too; the rest take no token.
    assertThat(byOutcome).containsOnlyKeys("started", "too_many_streams", "rate_limited");
    assertThat(byOutcome.get("rate_limited")).hasSize(starts - MESSAGES_PER_WINDOW);
    assertThat(byOutcome.get("started")).hasSize(STREAMS_PER_USER);
    assertThat(byOutcome.get("too_many_streams")).hasSize(MESSAGES_PER_WINDOW - STREAMS_PER_USER);
    assertThat(redis.call("HLEN", "llmgate:slots:" + user)).as("slots held").isEqualTo(":" + STREAMS_PER_USER);
    for (String refused : concat(byOutcome.get("too_many_streams"), byOutcome.get("rate_limited"))) {
      assertThat(redis.call("EXISTS", "llmgate:replay-owner:" + user.length() + ":" + user + ":" + refused))
          .as("a refused start leaves no stream directory entry").isEqualTo(":0");
    }
    for (String started : byOutcome.get("started")) {
      assertThat(deleteOn(b, user, started).getBoolean("cancelled")).isTrue();
    }
  }

  /**
   * Not awaited before the upstream, or not the stream's: the replay log's pipelines, the heartbeat, and
   * the release of an earlier test's slot.
   */
  private static final Set<String> NOT_AWAITED = Set.of("replay-append", "heartbeat", "release-stream");

  @Test
  void aStreamStartWaitsForOneRedisRoundTripBeforeItsUpstreamRequest() throws Exception {
    Map<String, Double> before = settledRedisRoundTrips(a);
    String user = user();
    JsonObject slow = request("slow");
    EventRecorder running = stream(a, user, slow);
    a.upstream().awaitGeneration("slow", 0, WAIT);
    Map<String, Double> after = redisRoundTrips(a);

    Map<String, Double> awaited = new TreeMap<>();
    after.forEach((command, count) -> {
      double delta = count - before.getOrDefault(command, 0.0);
      if (delta > 0 && !NOT_AWAITED.contains(command)) {
        awaited.put(command, delta);
      }
    });
    System.out.println("Redis round trips of node A from the start to its upstream request: " + awaited);
    assertThat(awaited).isEqualTo(Map.of("start-stream", 1.0));
    deleteOn(b, user, slow.getString("sessionId"));
    running.awaitFinal(WAIT);
  }

  /**
   * Node A's round trips once they stop changing: an earlier test's cancel counts its message with a
   * rate-limit script nobody waits for, and its answer may be counted after this test began.
   */
  private Map<String, Double> settledRedisRoundTrips(TestGateway node) throws Exception {
    Map<String, Double> last = awaitedRoundTrips(node);
    for (int i = 0; i < 50; i++) {
      Thread.sleep(100);
      Map<String, Double> now = awaitedRoundTrips(node);
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("node's Redis round trips never settled: " + last);
  }

  private Map<String, Double> awaitedRoundTrips(TestGateway node) throws Exception {
    Map<String, Double> counts = redisRoundTrips(node);
    counts.keySet().removeAll(NOT_AWAITED);
    return counts;
  }

  /** Node A's Redis round trips so far, by command or script ({@code llmgate_redis_latency_seconds_count}). */
  private Map<String, Double> redisRoundTrips(TestGateway node) throws Exception {
    String metrics = http.request(HttpMethod.GET, node.port(), "127.0.0.1", "/metrics")
        .compose(r -> r.send().compose(res -> res.body())).await(10, TimeUnit.SECONDS).toString();
    Map<String, Double> counts = new TreeMap<>();
    Matcher line = Pattern.compile("(?m)^llmgate_redis_latency_seconds_count\\{command=\"([^\"]+)\",?\\} (\\S+)$")
        .matcher(metrics);
    while (line.find()) {
      counts.put(line.group(1), Double.parseDouble(line.group(2)));
    }
    return counts;
  }

  /** {@code started} once the stream's start event came, else its refusal's code. */
  private static String outcome(EventRecorder answer) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (answer.named(EventRecorder.START).isEmpty() && answer.finalCount() == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("neither started nor refused: " + answer.summary());
      }
      Thread.sleep(20);
    }
    return answer.named(EventRecorder.START).isEmpty() ? code(answer.named(ERROR).get(0)) : "started";
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> both = new ArrayList<>(first);
    both.addAll(second);
    return both;
  }

  @Test
  void theStreamCapCountsStreamsOnEveryNodeAndFreesASlotWhenAStreamEnds() throws Exception {
    String user = user();
    JsonObject onA = request("long");
    JsonObject onB = request("long");
    EventRecorder first = stream(a, user, onA);
    EventRecorder second = stream(b, user, onB);
    first.awaitCount(TOKEN, 1, WAIT);
    second.awaitCount(TOKEN, 1, WAIT);

    Received refusedOnA = stream(a, user, "short").awaitFinal(WAIT);
    Received refusedOnB = stream(b, user, "short").awaitFinal(WAIT);
    assertThat(code(refusedOnA)).isEqualTo("too_many_streams");
    assertThat(refusedOnA.data().getString("error")).contains("across the cluster");
    assertThat(code(refusedOnB)).isEqualTo("too_many_streams");

    cancel(a, user, onA);
    first.awaitFinal(WAIT);
    // The slot goes back to Redis just after the stream's final event: the next start may race it.
    assertThat(retryUntil(() -> stream(b, user, "short"), final_ -> DONE.equals(final_.event())))
        .isEqualTo(DONE);
    cancel(b, user, onB);
    second.awaitFinal(WAIT);
  }

  @Test
  void aCancelThatReachesAnotherNodeStopsTheStreamAndItsUpstreamWhereItRuns() throws Exception {
    String user = user();
    JsonObject onA = request("long");
    EventRecorder running = stream(a, user, onA);
    running.awaitCount(TOKEN, 1, WAIT);

    JsonObject answer = deleteOn(b, user, onA.getString("sessionId"));

    assertThat(answer.getBoolean("cancelled")).isTrue();
    assertThat(running.awaitFinal(WAIT).event()).isEqualTo(EventRecorder.CANCELLED);
    a.upstream().awaitGeneration("long", 0, WAIT);
    assertThat(a.upstream().generations("long")).anySatisfy(generation -> assertThat(generation.isCancelled()).isTrue());
    assertThat(b.upstream().generations("long")).as("nothing ran on b").isEmpty();
  }

  @Test
  void aCancelSentWhileTheRunningNodeIsNotSubscribedReachesItWhenItSubscribesAgain() throws Exception {
    // A heartbeat this long leaves the node unsubscribed for seconds once its subscription drops.
    try (TestGateway slow = nodes.node(Duration.ofSeconds(3))) {
      String user = user();
      JsonObject onSlow = request("long");
      EventRecorder running = stream(slow, user, onSlow);
      running.awaitCount(TOKEN, 1, WAIT);
      assertThat(redis.call("CLIENT", "KILL", "TYPE", "pubsub")).as("subscriptions dropped").isNotEqualTo(":0");

      JsonObject answer = deleteOn(b, user, onSlow.getString("sessionId"));

      assertThat(answer.getBoolean("cancelled")).isTrue();
      assertThat(running.awaitFinal(WAIT).event()).isEqualTo(EventRecorder.CANCELLED);
    }
  }

  @Test
  void aCancelOfAStreamNoNodeRunsFindsNothing() throws Exception {
    assertThat(deleteOn(b, user(), "s-none").getBoolean("cancelled")).isFalse();
  }

  private JsonObject deleteOn(TestGateway node, String user, String sessionId) throws Exception {
    return new JsonObject(HttpEventStream.send(http, HttpMethod.DELETE, node.port(), "/v1/streams/" + sessionId,
        node.token(user)).await(10, TimeUnit.SECONDS));
  }

  @Test
  void healthShowsThisNodeAndTheClusterTotals() throws Exception {
    String user = user();
    JsonObject long_ = request("long");
    EventRecorder running = stream(a, user, long_);
    running.awaitCount(TOKEN, 1, WAIT);

    JsonObject health = awaitHealth(b, h -> h.getJsonObject("cluster").getLong("activeLLMStreams") == 1);

    assertThat(health.getJsonObject("node").getString("id")).isNotBlank();
    assertThat(health.getString("redis")).isEqualTo("ok");
    JsonObject cluster = health.getJsonObject("cluster");
    assertThat(cluster.getInteger("nodes")).isEqualTo(2);
    assertThat(cluster.getJsonArray("nodeIds")).contains(health.getJsonObject("node").getString("id"),
        healthOf(a).getJsonObject("node").getString("id"));
    assertThat(health.getInteger("activeLLMStreams")).as("b's own").isZero();
    cancel(a, user, long_);
    running.awaitFinal(WAIT);
  }

  private void cancel(TestGateway node, String user, JsonObject request) throws Exception {
    deleteOn(node, user, request.getString("sessionId"));
  }

  @Test
  void withRedisDownNewStreamsAreRefusedRunningOnesFinishAndRedisComingBackRestoresService() throws Exception {
    String user = user();
    EventRecorder running = stream(a, user, request("slow"));
    running.awaitCount(TOKEN, 1, WAIT);

    redis.stop();
    try {
      Received refused = stream(b, user(), "short").awaitFinal(WAIT);
      assertThat(code(refused)).isEqualTo("cluster_unavailable");
      assertThat(refused.data().getString("error")).contains("Redis");
      assertThat(refused.data().getBoolean("retryable")).isTrue();
      assertThat(awaitReadiness(b, 503).getString("status")).isEqualTo("cluster_unavailable");
      assertThat(healthOf(b).getString("redis")).isEqualTo("unreachable");

      assertThat(running.awaitFinal(WAIT).event()).as("a stream already running").isEqualTo(DONE);
      assertThat(running.tokens()).hasSize(30);
    } finally {
      redis.start();
    }

    assertThat(awaitReadiness(a, 200).getString("status")).isEqualTo("ready");
    assertThat(awaitReadiness(b, 200).getString("status")).isEqualTo("ready");
    assertThat(stream(b, user, "short").awaitFinal(WAIT).event()).isEqualTo(DONE);
    awaitHealth(a, h -> h.getJsonObject("cluster") != null && h.getJsonObject("cluster").getInteger("nodes") == 2);
  }

  @Test
  void aStalledRedisRefusesNewStreamsWithinTheCommandTimeoutAndMakesTheNodeUnreadyUntilItAnswersAgain()
      throws Exception {
    try (TestGateway node = nodes.node(cluster -> cluster.withHeartbeat(TwoNodes.HEARTBEAT)
        .withCommandTimeout(Duration.ofMillis(500)))) {
      awaitReadiness(node, 200);
      redis.pause();
      try {
        Received refused = stream(node, user(), "short").awaitFinal(WAIT);
        assertThat(code(refused)).isEqualTo("cluster_unavailable");
        assertThat(refused.data().getString("error")).contains("did not answer within 500 ms");
        assertThat(awaitReadiness(node, 503).getString("status")).isEqualTo("cluster_unavailable");
      } finally {
        redis.resume();
      }

      assertThat(awaitReadiness(node, 200).getString("status")).isEqualTo("ready");
      assertThat(stream(node, user(), "short").awaitFinal(WAIT).event()).isEqualTo(DONE);
    }
  }

  private JsonObject awaitReadiness(TestGateway node, int status) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      var response = http.request(HttpMethod.GET, node.port(), "127.0.0.1", "/readyz")
          .compose(r -> r.send().compose(res -> res.body().map(body -> Map.entry(res.statusCode(), body))))
          .await(10, TimeUnit.SECONDS);
      if (response.getKey() == status) {
        return new JsonObject(response.getValue());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("/readyz stayed " + response.getKey() + " " + response.getValue());
      }
      Thread.sleep(50);
    }
  }

  private JsonObject awaitHealth(TestGateway node, Predicate<JsonObject> until) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonObject health = healthOf(node);
    while (!safely(until, health)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("health never matched: " + health.encode());
      }
      Thread.sleep(50);
      health = healthOf(node);
    }
    return health;
  }

  private static boolean safely(Predicate<JsonObject> until, JsonObject health) {
    try {
      return until.test(health);
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private JsonObject healthOf(TestGateway node) throws Exception {
    return new JsonObject(http.request(HttpMethod.GET, node.port(), "127.0.0.1", "/websocket/health")
        .compose(r -> r.send().compose(res -> res.body())).await(10, TimeUnit.SECONDS));
  }

  private String retryUntil(ThrowingSupplier<EventRecorder> start, Predicate<Received> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Received last = start.get().awaitFinal(WAIT);
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = start.get().awaitFinal(WAIT);
    }
    return last.event();
  }

  private interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private EventRecorder stream(TestGateway node, String user, String prompt) throws Exception {
    return stream(node, user, request(prompt));
  }

  private EventRecorder stream(TestGateway node, String user, JsonObject request) throws Exception {
    EventRecorder events = new EventRecorder();
    HttpEventStream.post(http, node.port(), "/v1/streams", node.token(user), request,
        frame -> events.add(frame.event(), new JsonObject(frame.data())),
        body -> events.add(ERROR, new JsonObject(body)), () -> { });
    return events;
  }

  private static String code(Received received) {
    return ERROR.equals(received.event()) ? received.data().getString("code") : null;
  }

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  private static JsonObject request(String prompt) {
    return new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", ScriptedUpstream.NAME)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }
}
