package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.Script;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.Upgrades;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One user's {@code /ws} client reconnecting in a loop, each time starting a stream and dropping the
 * connection after its first token: nothing
 * piles up. Afterwards the connection and stream counts are back to where they started, every stream was
 * ended, and the per-user connection limit still admits exactly its number of connections.
 */
class ReconnectLoopTest {
  private static final String USER = "looping-user";
  private static final int PER_USER = 4;
  private static final int ROUNDS = 200;
  private static final Duration WAIT = Duration.ofSeconds(20);
  private TestGateway gateway;
  private WebSocketClient client;
  private HttpClient http;

  @BeforeEach
  void start() {
    // A message limit the loop cannot reach: what is tested is what the connections leave behind.
    gateway = TestGateway.start(config -> config.withLimits(new Limits(ROUNDS * 10, Duration.ofMinutes(1),
        Limits.DEFAULT.concurrentStreams(), Limits.DEFAULT.maxRequestBytes()).withConnections(PER_USER, 100)));
    gateway.upstream().script("long", Script.upstream().every(20).opened("script-1").tokens(500)
        .finish(FinishReason.STOP));
    client = gateway.vertx().createWebSocketClient();
    http = gateway.vertx().createHttpClient();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void aClientReconnectingInALoopLeavesNoConnectionOrStreamBehindAndTheLimitHolds() throws Exception {
    JsonObject baseline = health();
    for (int round = 0; round < ROUNDS; round++) {
      String request = new JsonObject().put("event", "llm:chat:stream").put("data", new JsonObject()
          .put("sessionId", "s-" + round).put("provider", "scripted").put("resumeGraceMs", 0)
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "long")))).encode();
      politely(request);
    }

    awaitHealth(baseline.getInteger("connectedClients"), 0);
    assertThat(gateway.upstream().generations("long")).hasSize(ROUNDS);
    for (var generation : gateway.upstream().generations("long")) {
      generation.awaitCancelled(WAIT); // each stream ended with its connection, its upstream stopped
    }

    List<WebSocket> open = new ArrayList<>();
    for (int i = 0; i < PER_USER; i++) {
      open.add(connect());
    }
    assertThat(Upgrades.rejected(client, options()).getStatus()).as("the limit still holds").isEqualTo(429);
    for (WebSocket ws : open) {
      ws.close().await(10, TimeUnit.SECONDS);
    }
    awaitHealth(baseline.getInteger("connectedClients"), 0);
  }

  /** Connects, starts the stream, waits for its first token, then closes. */
  private void politely(String request) throws Exception {
    WebSocket ws = connect();
    CompletableFuture<Void> firstToken = new CompletableFuture<>();
    ws.textMessageHandler(text -> {
      if ("llm:stream:token".equals(new JsonObject(text).getString("event"))) {
        firstToken.complete(null);
      }
    });
    ws.writeTextMessage(request);
    firstToken.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    ws.close().await(10, TimeUnit.SECONDS);
  }

  private WebSocketConnectOptions options() {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/ws")
        .addHeader("Authorization", "Bearer " + gateway.token(USER));
  }

  /** Connects, retrying while the server has not yet seen the previous connection's close (bounded). */
  private WebSocket connect() throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        return client.connect(options()).await(10, TimeUnit.SECONDS);
      } catch (Exception refused) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no place for a connection within " + WAIT + ": " + health().encode(), refused);
        }
        Thread.sleep(20);
      }
    }
  }

  private JsonObject health() throws Exception {
    return http.request(HttpMethod.GET, gateway.port(), "127.0.0.1", "/websocket/health")
        .compose(request -> request.send().compose(response -> response.body()))
        .map(body -> new JsonObject(body)).await(10, TimeUnit.SECONDS);
  }

  /** Waits until /websocket/health shows {@code connections} clients and {@code streams} streams. */
  private void awaitHealth(int connections, int streams) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonObject health = health();
    while (health.getInteger("connectedClients") != connections || health.getInteger("activeLLMStreams") != streams) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + connections + " connections and " + streams + " streams, got " + health.encode());
      }
      Thread.sleep(20);
      health = health();
    }
  }
}
