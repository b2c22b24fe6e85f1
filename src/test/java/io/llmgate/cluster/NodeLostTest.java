package io.llmgate.cluster;

import static io.llmgate.transport.EventRecorder.ERROR;
import static io.llmgate.transport.EventRecorder.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.ClusterConfig;
import io.llmgate.testing.GatewayProcess;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.RedisServer;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.TestTokens;
import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.EventRecorder.Received;
import io.llmgate.transport.HttpEventStream;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Node A is a real llmgate process on the shared redis-server, streaming from its embedded model; it is
 * killed with SIGKILL mid-stream (no drain, no goodbye to Redis). A client resuming on node B (in this JVM)
 * gets what A kept, then {@code llm:stream:error} {@code node_lost}, retryable, once A's presence key
 * has expired — whether it was already following when A died or resumes afterwards, over SSE and with the
 * npm socket.io-client moved to B by a balancer. Never a hang.
 */
class NodeLostTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CONFIG = "cluster:\n  heartbeat: 200ms\nlocal:\n  token-delay: 100ms\n";

  private RedisServer redis;
  private GatewayProcess a;
  private TestGateway b;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.launch();
    a = GatewayProcess.start(CONFIG, Map.of("LLMGATE_REDIS_URL", redis.url()));
    b = TestGateway.start(config -> config.withJwtSecret(Optional.of(TestTokens.SECRET))
        .withCluster(ClusterConfig.STANDALONE.withRedisUrl(Optional.of(redis.url())).withHeartbeat(Duration.ofMillis(200))));
    http = b.vertx().createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    a.close();
    b.close();
    redis.close();
  }

  @Test
  void aClientFollowingOnAnotherNodeGetsNodeLostWhenTheNodeRunningItsStreamIsKilled() throws Exception {
    String user = "user-" + UUID.randomUUID();
    JsonObject request = request();
    EventRecorder onA = new EventRecorder();
    HttpEventStream first = sse(a.port(), user, request, null, onA);
    onA.awaitCount(TOKEN, 3, WAIT);
    first.disconnect();
    EventRecorder onB = new EventRecorder();
    sse(b.port(), user, sessionOnly(request), "-1", onB);
    onB.awaitCount(TOKEN, 6, WAIT);

    a.kill();

    Received lost = onB.awaitFinal(WAIT);
    assertThat(lost.event()).as(onB.summary()).isEqualTo(ERROR);
    assertThat(lost.data().getString("code")).isEqualTo("node_lost");
    assertThat(lost.data().getBoolean("retryable")).isTrue();
    assertThat(indexes(onB)).as("what A kept, each once").isEqualTo(range(indexes(onB).size()));
  }

  @Test
  void aResumeOnAnotherNodeAfterTheKillGetsWhatTheDeadNodeKeptThenNodeLost() throws Exception {
    String user = "user-" + UUID.randomUUID();
    JsonObject request = request();
    EventRecorder onA = new EventRecorder();
    sse(a.port(), user, request, null, onA);
    onA.awaitCount(TOKEN, 4, WAIT);

    a.kill();
    List<Long> seen = indexes(onA);
    long lastSeen = seen.get(1);
    EventRecorder onB = new EventRecorder();
    sse(b.port(), user, sessionOnly(request), String.valueOf(lastSeen), onB);

    Received lost = onB.awaitFinal(WAIT);
    assertThat(lost.event()).as(onB.summary()).isEqualTo(ERROR);
    assertThat(lost.data().getString("code")).isEqualTo("node_lost");
    // The last token A's client saw may have died in A's queue to Redis; the one before it was flushed
    // a token delay (100 ms) earlier.
    assertThat(indexes(onB)).as("the tokens A kept after index %d", lastSeen)
        .startsWith(range(lastSeen + 1, seen.get(seen.size() - 2) + 1).toArray(Long[]::new));
    assertThat(indexes(onB)).isEqualTo(range(lastSeen + 1, lastSeen + 1 + indexes(onB).size()));
  }

  @Test
  void theNpmSocketIoClientMovedOffAKilledNodeGetsNodeLostOnTheOtherNode() throws Exception {
    NodeTests.run("node-lost.test.mjs", Map.of("PORT_A", String.valueOf(a.port()), "PID_A", String.valueOf(a.pid()),
        "PORT_B", String.valueOf(b.port()), "TOKEN", b.token("user-" + UUID.randomUUID())));
  }

  private HttpEventStream sse(int port, String user, JsonObject body, String lastEventId, EventRecorder events)
      throws Exception {
    return HttpEventStream.post(http, port, "/v1/streams", b.token(user), body, lastEventId,
        frame -> events.add(frame.event(), new JsonObject(frame.data())),
        refused -> events.add(ERROR, new JsonObject(refused)), () -> { });
  }

  private static List<Long> indexes(EventRecorder events) {
    return events.named(TOKEN).stream().map(token -> token.data().getLong("index")).toList();
  }

  private static List<Long> range(long to) {
    return range(0, to);
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private static JsonObject sessionOnly(JsonObject request) {
    return new JsonObject().put("sessionId", request.getString("sessionId"));
  }

  private static JsonObject request() {
    return new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", "local").put("maxTokens", 500)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "In the beginning")));
  }
}
