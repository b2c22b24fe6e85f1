package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.Limits;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.Upgrades;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * limits.connections-per-user and limits.max-connections on Socket.IO (the npm client) and /ws, which
 * share one count: one user cannot open connections without end, nor can all users together.
 */
class ConnectionLimitTest {
  private static final int PER_USER = 2;
  private static final int TOTAL = 3;
  private TestGateway gateway;
  private WebSocketClient client;

  @BeforeEach
  void start() {
    gateway = TestGateway.start(config -> config.withLimits(Limits.DEFAULT.withConnections(PER_USER, TOTAL)));
    client = gateway.vertx().createWebSocketClient();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void socketIoRefusesConnectionsOverEitherLimitWithConnectError() throws Exception {
    NodeTests.run("connection-limits.test.mjs", Map.of(
        "LLMGATE_URL", gateway.url(),
        "TOKEN_ALICE", gateway.token("alice"),
        "TOKEN_BOB", gateway.token("bob"),
        "TOKEN_CAROL", gateway.token("carol"),
        "PER_USER", String.valueOf(PER_USER),
        "TOTAL", String.valueOf(TOTAL)));
  }

  @Test
  void wsRefusesAHeaderAuthenticatedUpgradeOverTheLimitWith429() throws Exception {
    WebSocket first = withHeader("alice");
    withHeader("alice");
    UpgradeRejectedException rejected = rejected(headerOptions("alice"));
    assertThat(rejected.getStatus()).isEqualTo(429);
    assertThat(new JsonObject(rejected.getBody()).getString("error"))
        .isEqualTo("too many connections for this user: 2 open (limit: 2, setting: limits.connections-per-user)");

    withHeader("bob");
    assertThat(new JsonObject(rejected(headerOptions("carol")).getBody()).getString("error"))
        .isEqualTo("too many connections: 3 open (limit: 3, setting: limits.max-connections)");

    first.close().await(10, TimeUnit.SECONDS);
    assertThat(admittedAfterRetries(() -> client.connect(headerOptions("carol")).await(10, TimeUnit.SECONDS)))
        .as("the place alice freed").isTrue();
  }

  @Test
  void wsRefusesAnAuthFrameOverTheLimitWithAnErrorAndClose1008() throws Exception {
    withHeader("alice");
    withHeader("alice");
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
        .setURI("/ws")).await(10, TimeUnit.SECONDS);
    CompletableFuture<JsonObject> error = new CompletableFuture<>();
    CompletableFuture<Short> closedWith = new CompletableFuture<>();
    ws.textMessageHandler(text -> error.complete(new JsonObject(text)));
    ws.closeHandler(v -> closedWith.complete(ws.closeStatusCode()));
    ws.writeTextMessage(new JsonObject().put("event", "auth")
        .put("data", new JsonObject().put("token", gateway.token("alice"))).encode());

    JsonObject frame = error.get(10, TimeUnit.SECONDS);
    assertThat(frame.getString("event")).isEqualTo("llm:stream:error");
    assertThat(frame.getJsonObject("data").getString("code")).isEqualTo("too_many_connections");
    assertThat(frame.getJsonObject("data").getString("error")).contains("too many connections for this user");
    assertThat(closedWith.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1008);
  }

  private WebSocketConnectOptions headerOptions(String user) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/ws")
        .addHeader("Authorization", "Bearer " + gateway.token(user));
  }

  private WebSocket withHeader(String user) throws Exception {
    return client.connect(headerOptions(user)).await(10, TimeUnit.SECONDS);
  }

  private UpgradeRejectedException rejected(WebSocketConnectOptions options) {
    return Upgrades.rejected(client, options);
  }

  /** The server frees a place when it has seen the close: asks until it has (bounded). */
  private boolean admittedAfterRetries(ThrowingAttempt attempt) throws Exception {
    for (int i = 0; i < 100; i++) {
      try {
        attempt.run();
        return true;
      } catch (Exception refused) {
        gateway.vertx().timer(50).await(10, TimeUnit.SECONDS);
      }
    }
    return false;
  }

  private interface ThrowingAttempt {
    void run() throws Exception;
  }
}
