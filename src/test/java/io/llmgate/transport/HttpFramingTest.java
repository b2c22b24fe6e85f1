package io.llmgate.transport;

import static io.llmgate.testing.RawHttp.readUntilClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.TestGateway;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How requests are framed on the wire and how long their headers may take, over raw sockets, as an attacker
 * would send them: a request hidden behind an ambiguously framed one is never served, and headers that
 * trickle in are cut off after {@code api.header-timeout}.
 */
class HttpFramingTest {
  private static final Duration HEADER_TIMEOUT = Duration.ofMillis(600);
  private static final String HIDDEN = "GET /websocket/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config.withApi(config.api().withHeaderTimeout(HEADER_TIMEOUT)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static Socket send(String request) throws IOException {
    Socket socket = new Socket("127.0.0.1", gateway.port());
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  private static String post(String framing, String body) {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + gateway.token("smuggler") + "\r\nContent-Type: application/json\r\n" + framing + "\r\n" + body;
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
      "Content-Length: 5\r\nTransfer-Encoding: gzip, chunked\r\n",
      "Content-Length: 5\r\nTransfer-Encoding: identity\r\n",
      "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n",
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n"})
  void contentLengthWithTransferEncodingIsRefusedAndTheRequestHiddenBehindItNeverServed(String framing)
      throws Exception {
    try (Socket socket = send(post(framing, "0\r\n\r\n" + HIDDEN))) {
      String answer = readUntilClosed(socket);
      assertThat(answer).matches("(?s)HTTP/1\\.[01] 400 .*").doesNotContain("connectedClients")
          .doesNotContain("[still open]");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Content-Length: 5\r\nContent-Length: 6\r\n",
      "Content-Length: 5, 6\r\n",
      "Transfer-Encoding : chunked\r\n",
      "Content-Length: +5\r\n",
      "Transfer-Encoding: chunked, identity\r\n",
      "Transfer-Encoding: identity\r\n"})
  void otherAmbiguousFramingIsRefusedAndClosed(String framing) throws Exception {
    try (Socket socket = send(post(framing, "0\r\n\r\n" + HIDDEN))) {
      String answer = readUntilClosed(socket);
      assertThat(answer).matches("(?s)HTTP/1\\.[01] 400 .*").doesNotContain("connectedClients")
          .doesNotContain("[still open]");
    }
  }

  @Test
  void aWellFramedRequestKeepsItsConnectionForTheNext() throws Exception {
    try (Socket socket = send(HIDDEN + HIDDEN.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n"))) {
      String answer = readUntilClosed(socket);
      assertThat(answer.split("connectedClients", -1)).as("both answered").hasSize(3);
    }
  }

  @Test
  void headersTricklingInAreCutOffWith408AfterTheHeaderTimeout() throws Exception {
    try (Socket socket = send("GET /websocket/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")) {
      Thread trickle = new Thread(() -> trickle(socket));
      trickle.start();
      long started = System.nanoTime();
      String answer = readUntilClosed(socket);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      trickle.interrupt();

      assertThat(answer).startsWith("HTTP/1.1 408")
          .contains("request headers: not complete within 600 ms (setting: api.header-timeout)")
          .doesNotContain("connectedClients").doesNotContain("[still open]");
      assertThat(tookMs).as("the trickle went on for 8 s; the deadline cut it").isLessThan(8_000);
    }
  }

  /** One header byte every 50 ms, so the connection is never idle (until it is closed). */
  private static void trickle(Socket socket) {
    try {
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 160; i++) {
        out.write('x');
        out.flush();
        Thread.sleep(50);
      }
    } catch (IOException | InterruptedException closed) {
      // the server closed it, or the test is done
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedSilentlyAfterTheHeaderTimeout() throws Exception {
    try (Socket socket = send("")) {
      assertThat(readUntilClosed(socket)).isEmpty();
    }
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedAfterTheHeaderTimeoutFromItsLastResponse() throws Exception {
    try (Socket socket = send(HIDDEN)) {
      String answer = readUntilClosed(socket);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("connectedClients").doesNotContain("408")
          .doesNotContain("[still open]");
    }
  }

  @Test
  void aWebSocketOutlivesTheHeaderTimeout() throws Exception {
    WebSocketClient client = gateway.vertx().createWebSocketClient();
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
        .setURI("/ws").addHeader("Authorization", "Bearer " + gateway.token("patient")))
        .await(10, TimeUnit.SECONDS);
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    ws.textMessageHandler(text -> reply.complete(new JsonObject(text)));
    gateway.vertx().timer(HEADER_TIMEOUT.toMillis() * 3).await(10, TimeUnit.SECONDS);

    assertThat(ws.isClosed()).isFalse();
    ws.writeTextMessage(new JsonObject().put("event", "llm:stream:cancel")
        .put("data", new JsonObject().put("sessionId", "none")).encode());
    assertThat(reply.get(10, TimeUnit.SECONDS).getString("event")).as("still served").isNotBlank();
    ws.close().await(10, TimeUnit.SECONDS);
    client.close().await(10, TimeUnit.SECONDS); // also keeps the client reachable until here
  }
}
