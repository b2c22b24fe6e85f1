package io.llmgate.cluster;

import static io.llmgate.transport.EventRecorder.CANCELLED;
import static io.llmgate.transport.EventRecorder.DONE;
import static io.llmgate.transport.EventRecorder.ERROR;
import static io.llmgate.transport.EventRecorder.START;
import static io.llmgate.transport.EventRecorder.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.ResumeConfig;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.TestTokens;
import io.llmgate.testing.TwoNodes;
import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.EventRecorder.Received;
import io.llmgate.transport.HttpEventStream;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Resume anywhere: a stream runs on node A, its client drops, and the client resumes on node B (another
 * Vert.x in this JVM, the same real redis-server), over SSE ({@code Last-Event-ID}) and {@code /ws}. B
 * replays from Redis what the client missed, then the live events as A keeps them, each index once and in
 * order, then the final event; A keeps running the stream (B's upstream is never asked).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterResumeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int TOKENS = 40;
  private static final Duration GRACE = Duration.ofSeconds(3);

  private TwoNodes nodes;
  private TestGateway a;
  private TestGateway b;
  private HttpClient http;
  private WebSocketClient ws;

  @BeforeAll
  void start() throws Exception {
    nodes = TwoNodes.start(config -> config.withJwtSecret(Optional.of(TestTokens.SECRET))
        .withResume(new ResumeConfig(Duration.ofMinutes(1), 1000, 10_000, GRACE)), upstream -> upstream
        .script("slow", Script.upstream().every(100).opened("script-1").tokens(TOKENS).finish(FinishReason.STOP))
        .script("short", Script.upstream().every(2).opened("script-1").tokens(5).finish(FinishReason.STOP))
        .script("endless", Script.upstream().every(100).opened("script-1").tokens(600).finish(FinishReason.STOP)));
    a = nodes.a();
    b = nodes.b();
    http = a.vertx().createHttpClient();
    ws = a.vertx().createWebSocketClient();
  }

  @AfterAll
  void stop() throws Exception {
    nodes.close();
  }

  @Test
  void anSseClientThatDropsAndResumesOnAnotherNodeGetsTheRestOnceAndInOrder() throws Exception {
    String user = user();
    String prompt = "slow#" + UUID.randomUUID();
    JsonObject request = request(prompt);
    EventRecorder first = new EventRecorder();
    HttpEventStream onA = sse(a, user, request, null, first);
    first.awaitCount(TOKEN, 3, WAIT);
    onA.disconnect();
    long lastSeen = lastIndex(first);

    EventRecorder resumed = new EventRecorder();
    sse(b, user, new JsonObject().put("sessionId", request.getString("sessionId")), String.valueOf(lastSeen),
        resumed);

    Received done = resumed.awaitFinal(WAIT);
    assertThat(done.event()).as(done.data().encode()).isEqualTo(DONE);
    assertThat(done.data().getLong("tokenCount")).isEqualTo(TOKENS);
    assertThat(indexes(resumed)).isEqualTo(range(lastSeen + 1, TOKENS));
    assertThat(resumed.named(START)).as("the client saw the start before it dropped").isEmpty();
    assertThat(a.upstream().awaitGeneration(prompt, 0, WAIT).isCancelled()).as("a ran it to the end").isFalse();
    assertThat(b.upstream().generations(prompt)).as("nothing ran on b").isEmpty();
  }

  @Test
  void aWebSocketClientResumesOnAnotherNodeLiveAndTheOwnerStopsSendingToItsOldClient() throws Exception {
    String user = user();
    JsonObject request = request("slow");
    WsClient onA = WsClient.connect(ws, a, user);
    onA.send("llm:chat:stream", request);
    onA.events().awaitCount(TOKEN, 2, WAIT);

    WsClient onB = WsClient.connect(ws, b, user);
    long lastSeen = lastIndex(onA.events());
    onB.send("llm:stream:resume", new JsonObject().put("sessionId", request.getString("sessionId"))
        .put("lastIndex", lastSeen));

    assertThat(onB.events().awaitFinal(WAIT).event()).as(onB.events().summary()).isEqualTo(DONE);
    JsonObject ack = onB.acknowledged();
    assertThat(ack.getBoolean("live")).isTrue();
    assertThat(indexes(onB.events())).isEqualTo(range(lastSeen + 1, TOKENS));
    assertThat(onA.events().named(DONE)).as("the stream moved to the client on b").isEmpty();
  }

  @Test
  void aStreamThatEndedOnAnotherNodeIsReplayedWhole() throws Exception {
    String user = user();
    JsonObject request = request("short");
    EventRecorder onA = new EventRecorder();
    sse(a, user, request, null, onA);
    assertThat(onA.awaitFinal(WAIT).event()).isEqualTo(DONE);

    WsClient onB = WsClient.connect(ws, b, user);
    onB.send("llm:stream:resume", new JsonObject().put("sessionId", request.getString("sessionId")));

    assertThat(onB.events().awaitFinal(WAIT).event()).isEqualTo(DONE);
    assertThat(onB.acknowledged().getBoolean("live")).isFalse();
    assertThat(onB.events().names()).containsExactly(START, TOKEN, TOKEN, TOKEN, TOKEN, TOKEN, DONE);
    assertThat(onB.events().named(DONE).get(0).data().getString("fullResponse"))
        .isEqualTo(onA.named(DONE).get(0).data().getString("fullResponse"));
  }

  @Test
  void noNodeFindsAnotherUsersStreamOrOneThatNeverRan() throws Exception {
    JsonObject request = request("short");
    EventRecorder onA = new EventRecorder();
    sse(a, user(), request, null, onA);
    onA.awaitFinal(WAIT);

    WsClient other = WsClient.connect(ws, b, user());
    other.send("llm:stream:resume", new JsonObject().put("sessionId", request.getString("sessionId")));
    other.send("llm:stream:resume", new JsonObject().put("sessionId", "s-never"));

    other.events().awaitCount(ERROR, 2, WAIT);
    assertThat(other.events().named(ERROR)).extracting(e -> e.data().getString("code"))
        .containsExactly("not_found", "not_found");
  }

  @Test
  void whenTheClientOnTheOtherNodeLeavesTheOwnerCancelsTheStreamAfterTheGrace() throws Exception {
    String user = user();
    String prompt = "endless#" + UUID.randomUUID();
    JsonObject request = request(prompt);
    EventRecorder first = new EventRecorder();
    sse(a, user, request, null, first).disconnect();

    WsClient onB = WsClient.connect(ws, b, user);
    onB.send("llm:stream:resume", new JsonObject().put("sessionId", request.getString("sessionId")));
    onB.events().awaitCount(TOKEN, 5, WAIT);
    onB.ws().close();

    a.upstream().awaitGeneration(prompt, 0, WAIT).awaitCancelled(WAIT);
    WsClient again = WsClient.connect(ws, b, user);
    again.send("llm:stream:resume", new JsonObject().put("sessionId", request.getString("sessionId"))
        .put("lastIndex", 1000));
    Received cancelled = again.events().awaitFinal(WAIT);
    assertThat(cancelled.event()).isEqualTo(CANCELLED);
    assertThat(cancelled.data().getString("reason")).isEqualTo("disconnected");
  }

  @Test
  void theNpmSocketIoClientMovedToAnotherNodeResumesItsStreamThere() throws Exception {
    NodeTests.run("cluster.test.mjs", Map.of("PORT_A", String.valueOf(a.port()), "PORT_B", String.valueOf(b.port()),
        "TOKEN", a.token(user()), "TOKENS", String.valueOf(TOKENS)));
  }

  private HttpEventStream sse(TestGateway node, String user, JsonObject body, String lastEventId,
      EventRecorder events) throws Exception {
    return HttpEventStream.post(http, node.port(), "/v1/streams", node.token(user), body, lastEventId,
        frame -> events.add(frame.event(), new JsonObject(frame.data())),
        refused -> events.add(ERROR, new JsonObject(refused)), () -> { });
  }

  private static long lastIndex(EventRecorder events) {
    List<Long> seen = indexes(events);
    return seen.get(seen.size() - 1);
  }

  private static List<Long> indexes(EventRecorder events) {
    return events.named(TOKEN).stream().map(token -> token.data().getLong("index")).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  private static JsonObject request(String prompt) {
    return new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", ScriptedUpstream.NAME)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }
}
