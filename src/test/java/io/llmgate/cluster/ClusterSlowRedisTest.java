package io.llmgate.cluster;

import static io.llmgate.transport.EventRecorder.DONE;
import static io.llmgate.transport.EventRecorder.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.stream.FinishReason;
import io.llmgate.testing.MetricsScrape;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.TestTokens;
import io.llmgate.testing.TwoNodes;
import io.llmgate.transport.EventRecorder.Received;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node that reaches Redis (a real redis-server) through a proxy holding Redis's answers back, as a busy
 * Redis or a slow link does: its commands run at once, its batched log writes wait for the batch before them.
 * What a client saw on that node is still what any other node answers: a session id reused elsewhere as soon
 * as its stream ended gets a replay log of its own, and a stream whose end the client saw is ended everywhere.
 */
class ClusterSlowRedisTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TwoNodes nodes;
  private AnswerHoldingProxy proxy;
  private TestGateway slow;
  private WebSocketClient ws;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    nodes = TwoNodes.start(config -> config.withJwtSecret(Optional.of(TestTokens.SECRET)), upstream -> upstream
        .script("first", Script.upstream().every(300).opened("m").text("a1", "a2", "a3").finish(FinishReason.STOP))
        .script("second", Script.upstream().opened("m").text("b1", "b2").finish(FinishReason.STOP)));
    proxy = new AnswerHoldingProxy(nodes.a().vertx(), nodes.redis().url());
    slow = nodes.node(cluster -> cluster.withHeartbeat(TwoNodes.HEARTBEAT).withRedisUrl(Optional.of(proxy.url()))
        .withCommandTimeout(Duration.ofSeconds(30)));
    ws = nodes.a().vertx().createWebSocketClient();
    http = nodes.a().vertx().createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.letThrough();
    slow.close();
    proxy.close();
    nodes.close();
  }

  @Test
  void aSessionIdReusedOnAnotherNodeAtOnceGetsALogOfItsOwn() throws Exception {
    String user = "user-" + UUID.randomUUID();
    String sessionId = "s-" + UUID.randomUUID();
    WsClient first = firstTokenThenHold(user, sessionId);
    // Refused while the first stream holds the id, which it does until its last writes are answered.
    List<Received> second = startUntilAccepted(nodes.b(), user, sessionId);
    assertThat(second.get(second.size() - 1).event()).isEqualTo(DONE);
    assertThat(first.events().awaitFinal(WAIT).event()).as(first.events().summary()).isEqualTo(DONE);
    proxy.letThrough();
    awaitWritesOver(slow);

    // Node A never ran the session: it answers from Redis, which holds the second stream and nothing else.
    WsClient resumer = WsClient.connect(ws, nodes.a(), user);
    resumer.send("llm:stream:resume", new JsonObject().put("sessionId", sessionId).put("lastIndex", -1));
    resumer.events().awaitFinal(WAIT);
    assertThat(resumer.events().tokens()).as(resumer.events().summary()).containsExactly("b1", "b2");
    assertThat(resumer.events().finalCount()).as(resumer.events().summary()).isEqualTo(1);
    assertThat(nodes.redis().call("XLEN", ClusterKeys.replay(user, sessionId))).isEqualTo(":" + second.size());
  }

  @Test
  void aStreamWhoseEndTheClientSawIsEndedOnEveryNode() throws Exception {
    String user = "user-" + UUID.randomUUID();
    String sessionId = "s-" + UUID.randomUUID();
    WsClient client = firstTokenThenHold(user, sessionId);
    // Past the stream's end (two more tokens 300 ms apart), so its last writes wait behind held answers.
    slow.vertx().setTimer(2000, t -> proxy.letThrough());
    assertThat(client.events().awaitFinal(WAIT).event()).as(client.events().summary()).isEqualTo(DONE);

    WsClient resumer = WsClient.connect(ws, nodes.b(), user);
    resumer.send("llm:stream:resume", new JsonObject().put("sessionId", sessionId).put("lastIndex", -1));
    resumer.events().awaitFinal(WAIT);
    assertThat(resumer.acknowledged().getBoolean("live")).as("live, in %s", resumer.events().summary()).isFalse();
    assertThat(resumer.events().tokens()).containsExactly("a1", "a2", "a3");
    assertThat(resumer.acknowledged().getInteger("replayed")).isEqualTo(client.events().events().size());
  }

  /** Starts the stream "first" on the slow node and holds Redis's answers once its client has a token. */
  private WsClient firstTokenThenHold(String user, String sessionId) throws Exception {
    // Redis then holds every script: none waits for a NOSCRIPT answer before running.
    startUntilAccepted(nodes.b(), user, "s-" + UUID.randomUUID());
    WsClient client = WsClient.connect(ws, slow, user);
    client.send("llm:chat:stream", start(sessionId, "first"));
    client.events().awaitCount(TOKEN, 1, WAIT);
    proxy.hold();
    return client;
  }

  /**
   * Starts the session on {@code node} again and again, as a client told {@code duplicate_session} would,
   * until it runs to its end; after a second of refusals the held answers are let through.
   */
  private List<Received> startUntilAccepted(TestGateway node, String user, String sessionId) throws Exception {
    long started = System.nanoTime();
    while (true) {
      WsClient client = WsClient.connect(ws, node, user);
      client.send("llm:chat:stream", start(sessionId, "second"));
      Received last = client.events().awaitFinal(WAIT);
      client.ws().close();
      if (!"duplicate_session".equals(last.data().getString("code"))) {
        return client.events().events();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused duplicate_session").isLessThan(WAIT);
      if (Duration.ofNanos(System.nanoTime() - started).toMillis() > 1000) {
        proxy.letThrough();
      }
      Thread.sleep(200);
    }
  }

  /**
   * Until {@code node} released the slot and wrote nothing more to the logs across two heartbeats answered
   * since (each sent after the writes before it, on the one connection its commands share).
   */
  private void awaitWritesOver(TestGateway node) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (redisCalls(node, "release-stream") < 1) {
      assertThat(System.nanoTime()).as("the slot was released").isLessThan(deadline);
      Thread.sleep(50);
    }
    double appends = redisCalls(node, "replay-append");
    double beats = redisCalls(node, "heartbeat");
    for (int fresh = 0; fresh < 2; ) {
      assertThat(System.nanoTime()).as("the log writes were over").isLessThan(deadline);
      Thread.sleep(100);
      double nowAppends = redisCalls(node, "replay-append");
      double nowBeats = redisCalls(node, "heartbeat");
      fresh = nowAppends != appends ? 0 : nowBeats > beats ? fresh + 1 : fresh;
      appends = nowAppends;
      beats = nowBeats;
    }
  }

  private double redisCalls(TestGateway node, String command) throws Exception {
    return MetricsScrape.sum(http, node.port(), "llmgate_redis_latency_seconds_count",
        "command=\"" + command + "\"");
  }

  private static JsonObject start(String sessionId, String prompt) {
    return new JsonObject().put("sessionId", sessionId).put("provider", ScriptedUpstream.NAME)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }
}
