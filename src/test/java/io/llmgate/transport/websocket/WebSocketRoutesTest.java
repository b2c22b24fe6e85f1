package io.llmgate.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.Upgrades;
import io.llmgate.transport.ConnectionLimits;
import io.llmgate.transport.Connections;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What only {@code /ws} has: frames both ways, several streams per socket, its refusals. */
class WebSocketRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static TestGateway gateway;
  private static WebSocketClient client;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    gateway.upstream()
        .script("short", Script.upstream().opened("m").text("ok").finish(FinishReason.STOP))
        .script("long", Script.upstream().every(40).opened("m").tokens(300).finish(FinishReason.STOP))
        .script("medium", Script.upstream().every(20).opened("m").tokens(15).finish(FinishReason.STOP));
    client = gateway.vertx().createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void plainHttpRequestIsABadRequest() throws Exception {
    HttpClient http = gateway.vertx().createHttpClient();
    var response = http.request(new RequestOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/ws"))
        .compose(r -> r.send()).await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void tokenInTheUrlIsRefusedEvenWhenValid() {
    WebSocketConnectOptions options = options("/ws?token=" + gateway.token("alice"));
    UpgradeRejectedException rejected = rejected(options);
    assertThat(rejected.getStatus()).isEqualTo(401);
    assertThat(new JsonObject(rejected.getBody()).getString("error")).contains("token in the URL is not accepted");
  }

  @Test
  void badHeaderTokenIsRefusedBeforeTheUpgrade() {
    UpgradeRejectedException rejected = rejected(options("/ws").addHeader("Authorization", "Bearer nope"));
    assertThat(rejected.getStatus()).isEqualTo(401);
    assertThat(new JsonObject(rejected.getBody()).getString("error")).startsWith("unauthorized: ");
  }

  @Test
  void anythingBeforeTheAuthFrameIsRefusedAndTheSocketClosed() throws Exception {
    Session session = connect(options("/ws"));
    session.send("llm:chat:stream", request("short"));

    JsonObject error = session.awaitEvent("llm:stream:error");
    assertThat(error.getString("code")).isEqualTo("unauthorized");
    assertThat(error.getString("error")).contains("before authentication");
    assertThat(session.closedWith.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1008);
  }

  @Test
  void noAuthFrameInTimeClosesTheSocket() throws Exception {
    HttpServer server = serverWithAuthTimeout(Duration.ofMillis(200));
    try {
      Session session = connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/ws"));
      assertThat(session.awaitEvent("llm:stream:error").getString("error")).isEqualTo("unauthorized: no auth frame within 200 ms");
      assertThat(session.closedWith.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1008);
    } finally {
      server.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void authFrameIsAcknowledged() throws Exception {
    Session session = connect(options("/ws"));
    session.send("auth", new JsonObject().put("token", gateway.token("frank")));
    assertThat(session.awaitEvent("auth:acknowledged").getString("user")).isEqualTo("frank");
  }

  @Test
  void badFramesGetErrorsAndTheSocketStaysUsable() throws Exception {
    Session session = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("alice")));

    session.ws.writeTextMessage("not json");
    assertThat(session.awaitEvent("llm:stream:error").getString("error")).startsWith("frame: not a JSON object");
    session.ws.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2}));
    assertThat(session.awaitEvents("llm:stream:error", 2).get(1).getString("error")).startsWith("frame: binary");
    session.send("llm:unknown", new JsonObject());
    assertThat(session.awaitEvents("llm:stream:error", 3).get(2).getString("error"))
        .isEqualTo("event: \"llm:unknown\" (expected: llm:chat:stream, llm:stream:cancel or llm:stream:resume)");
    session.send("llm:stream:resume", new JsonObject().put("sessionId", "gone").put("lastIndex", 3));
    assertThat(session.awaitEvents("llm:stream:error", 4).get(3).getString("code")).isEqualTo("not_found");
    session.send("llm:stream:resume", new JsonObject().put("sessionId", "gone").put("lastIndex", -5));
    assertThat(session.awaitEvents("llm:stream:error", 5).get(4).getString("code")).isEqualTo("invalid_request");

    session.send("llm:chat:stream", request("short"));
    assertThat(session.awaitEvent("llm:stream:done").getString("fullResponse")).isEqualTo("ok");
  }

  @Test
  void oneSocketCarriesSeveralStreamsAndCancelsOnlyTheNamedOne() throws Exception {
    Session session = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("carol")));
    JsonObject cancelled = request("long");
    JsonObject kept = request("medium");
    session.send("llm:chat:stream", cancelled);
    session.send("llm:chat:stream", kept);
    session.awaitEvents("llm:stream:token", 4);

    session.send("llm:stream:cancel", new JsonObject().put("sessionId", cancelled.getString("sessionId")));

    JsonObject ack = session.awaitEvent("llm:stream:cancel:acknowledged");
    assertThat(ack.getString("sessionId")).isEqualTo(cancelled.getString("sessionId"));
    assertThat(ack.getBoolean("cancelled")).isTrue();
    JsonObject done = session.awaitEvent("llm:stream:done");
    assertThat(done.getString("sessionId")).isEqualTo(kept.getString("sessionId"));
    assertThat(done.getLong("tokenCount")).isEqualTo(15);
    assertThat(session.awaitEvent("llm:stream:cancelled").getString("sessionId"))
        .isEqualTo(cancelled.getString("sessionId"));
  }

  @Test
  void closingTheSocketCancelsEveryStreamOnItThatAskedForNoGrace() throws Exception {
    Session session = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("dave")));
    String first = "long#" + UUID.randomUUID();
    String second = "long#" + UUID.randomUUID();
    session.send("llm:chat:stream", request(first).put("resumeGraceMs", 0));
    session.send("llm:chat:stream", request(second).put("resumeGraceMs", 0));
    session.awaitEvents("llm:stream:token", 4);
    assertThat(gateway.gateway().streams().activeStreams()).isGreaterThanOrEqualTo(2);

    session.ws.close();

    gateway.upstream().awaitGeneration(first, 0, WAIT).awaitCancelled(WAIT);
    gateway.upstream().awaitGeneration(second, 0, WAIT).awaitCancelled(WAIT);
  }

  @Test
  void aSecondSocketOfTheSameUserResumesARunningStreamLive() throws Exception {
    Session first = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("erin")));
    JsonObject stream = request("medium");
    first.send("llm:chat:stream", stream);
    first.awaitEvents("llm:stream:token", 3);
    Session second = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("erin")));

    second.send("llm:stream:resume", new JsonObject().put("sessionId", stream.getString("sessionId"))
        .put("lastIndex", 1));

    JsonObject ack = second.awaitEvent("llm:stream:resume:acknowledged");
    assertThat(ack.getBoolean("live")).isTrue();
    assertThat(second.awaitEvent("llm:stream:done").getLong("tokenCount")).isEqualTo(15);
    assertThat(second.awaitEvents("llm:stream:token", 13).stream().map(t -> t.getLong("index")).toList())
        .isEqualTo(java.util.stream.LongStream.range(2, 15).boxed().toList());
    assertThat(first.frames().stream().map(f -> f.getString("event"))).doesNotContain("llm:stream:done");
  }

  @Test
  void aStreamOutlivesItsClosedSocketAndANewSocketContinuesItLive() throws Exception {
    Session first = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("hal")));
    String prompt = "medium#" + UUID.randomUUID();
    JsonObject stream = request(prompt);
    first.send("llm:chat:stream", stream);
    long lastSeen = first.awaitEvents("llm:stream:token", 3).get(2).getLong("index");
    first.ws.close();
    Session again = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("hal")));

    again.send("llm:stream:resume", new JsonObject().put("sessionId", stream.getString("sessionId"))
        .put("lastIndex", lastSeen));

    assertThat(again.awaitEvent("llm:stream:resume:acknowledged").getBoolean("live")).isTrue();
    assertThat(again.awaitEvent("llm:stream:done").getLong("tokenCount")).isEqualTo(15);
    assertThat(again.awaitEvents("llm:stream:token", 15 - (int) lastSeen - 1).stream()
        .map(t -> t.getLong("index")).toList())
        .isEqualTo(java.util.stream.LongStream.range(lastSeen + 1, 15).boxed().toList());
    assertThat(gateway.upstream().awaitGeneration(prompt, 0, WAIT).isCancelled()).isFalse();
  }

  @Test
  void resumingAfterTheSocketClosedReplaysThroughCancelledAndOthersGetNotFound() throws Exception {
    Session first = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("fay")));
    String prompt = "long#" + UUID.randomUUID();
    JsonObject stream = request(prompt).put("resumeGraceMs", 100);
    first.send("llm:chat:stream", stream);
    first.awaitEvents("llm:stream:token", 3);
    first.ws.close();
    gateway.upstream().awaitGeneration(prompt, 0, WAIT).awaitCancelled(WAIT);
    Session again = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("fay")));
    Session other = connect(options("/ws").addHeader("Authorization", "Bearer " + gateway.token("gus")));
    JsonObject resume = new JsonObject().put("sessionId", stream.getString("sessionId")).put("lastIndex", 0);

    other.send("llm:stream:resume", resume);
    again.send("llm:stream:resume", resume);

    assertThat(other.awaitEvent("llm:stream:error").getString("code")).isEqualTo("not_found");
    assertThat(again.awaitEvent("llm:stream:cancelled").getString("sessionId")).isEqualTo(stream.getString("sessionId"));
    assertThat(again.awaitEvent("llm:stream:token").getLong("index")).isEqualTo(1);
    assertThat(again.frames().get(again.frames().size() - 1).getString("event")).isEqualTo("llm:stream:cancelled");
  }

  private static HttpServer serverWithAuthTimeout(Duration timeout) throws Exception {
    Router router = Router.router(gateway.vertx());
    new WebSocketRoutes(gateway.vertx(), gateway.gateway().commands(), gateway.gateway().authenticator(),
        new Connections(), new ConnectionLimits(Limits.DEFAULT.connectionsPerUser(), Limits.DEFAULT.maxConnections()),
        timeout).mount(router);
    return gateway.vertx().createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  private static WebSocketConnectOptions options(String uri) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI(uri);
  }

  private static UpgradeRejectedException rejected(WebSocketConnectOptions options) {
    return Upgrades.rejected(client, options);
  }

  private static JsonObject request(String prompt) {
    return new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", ScriptedUpstream.NAME)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  private static Session connect(WebSocketConnectOptions options) throws Exception {
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    CompletableFuture<Short> closedWith = new CompletableFuture<>();
    // Handlers go on before connecting, so no frame can slip past them.
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    ws.closeHandler(v -> closedWith.complete(ws.closeStatusCode()));
    ws.connect(options).await(10, TimeUnit.SECONDS);
    return new Session(ws, frames, closedWith);
  }

  private record Session(WebSocket ws, List<JsonObject> frames, CompletableFuture<Short> closedWith) {
    void send(String event, Object data) {
      ws.writeTextMessage(new JsonObject().put("event", event).put("data", data).encode());
    }

    JsonObject awaitEvent(String event) throws InterruptedException {
      return awaitEvents(event, 1).get(0);
    }

    List<JsonObject> awaitEvents(String event, int count) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        List<JsonObject> matching = frames.stream().filter(f -> f.getString("event").equals(event))
            .map(f -> f.getJsonObject("data")).toList();
        if (matching.size() >= count) {
          return matching;
        }
        Thread.sleep(5);
      }
      throw new AssertionError("fewer than " + count + " " + event + " in " + frames.size() + " frames");
    }
  }
}
