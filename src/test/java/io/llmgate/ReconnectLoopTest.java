package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.NodeTests;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One user's {@code /ws} client, and one user's Socket.IO client, reconnecting in a loop, each time starting
 * a stream and dropping the connection after its first token (closing politely, or resetting the TCP
 * connection): nothing piles up. Afterwards the connection and stream counts are back to where they started, every stream was
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
      if (round % 2 == 0) {
        politely(request);
      } else {
        abruptly(request);
      }
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

  /**
   * The same with the real npm socket.io-client (interop/reconnect-loop.test.mjs): each round a polite
   * disconnect over WebSocket, a TCP reset, or a polite disconnect over long-polling; the script checks the
   * health, the Engine.IO sessions and the limit, and here every upstream is seen cancelled.
   */
  @Test
  void aSocketIoClientReconnectingInALoopLeavesNothingBehindAndTheLimitHolds() throws Exception {
    NodeTests.run("reconnect-loop.test.mjs", Map.of("LLMGATE_URL", gateway.url(), "TOKEN", gateway.token(USER),
        "ROUNDS", String.valueOf(ROUNDS), "PER_USER", String.valueOf(PER_USER)));

    assertThat(gateway.upstream().generations("long")).hasSize(ROUNDS);
    for (var generation : gateway.upstream().generations("long")) {
      generation.awaitCancelled(WAIT);
    }
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

  /**
   * A raw socket: upgrades, sends the request, reads until the first token, then resets the TCP connection,
   * as a client whose network dropped: no close frame, no FIN.
   */
  private void abruptly(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + gateway.token(USER) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      assertThat(readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 101");
      out.write(maskedTextFrame(request.getBytes(StandardCharsets.UTF_8)));
      assertThat(readUntil(in, "llm:stream:token")).contains("llm:stream:token");
      socket.setSoLinger(true, 0);
    }
  }

  private static String readUntil(InputStream in, String marker) throws Exception {
    StringBuilder text = new StringBuilder();
    for (int b = 0; text.indexOf(marker) < 0 && (b = in.read()) >= 0; ) {
      text.append((char) b);
    }
    return text.toString();
  }

  /** One masked text frame of 126 to 65,535 bytes (RFC 6455 §5.2); a zero mask leaves the payload as it is. */
  private static byte[] maskedTextFrame(byte[] payload) {
    byte[] frame = new byte[8 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | 126);
    frame[2] = (byte) (payload.length >> 8);
    frame[3] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, 8, payload.length);
    return frame;
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
