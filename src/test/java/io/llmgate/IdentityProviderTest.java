package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.AuthConfig;
import io.llmgate.config.JwtConfig;
import io.llmgate.testing.JwksServer;
import io.llmgate.testing.SigningKey;
import io.llmgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway verifying tokens with an identity provider's JWKS: it starts while the provider is down,
 * unready and refusing with a precise reason, and each refusal reaches Socket.IO as {@code connect_error}
 * and HTTP as a 401 JSON body.
 */
class IdentityProviderTest {
  private static final SigningKey KEY = SigningKey.rsa("idp-2026");

  private final Vertx idpVertx = Vertx.vertx();
  private final JwksServer idp = new JwksServer(idpVertx);
  private TestGateway gateway;
  private HttpClient http;

  @BeforeEach
  void start() {
    idp.fail(503);
    JwtConfig jwt = JwtConfig.DEFAULT.withJwks(idp.url(), Duration.ofMinutes(10), Duration.ofMillis(200));
    gateway = TestGateway.start(config -> config.withAuth(new AuthConfig(jwt)));
    http = gateway.vertx().createHttpClient();
  }

  @AfterEach
  void stop() {
    gateway.close();
    idp.close();
    idpVertx.close().await();
  }

  @Test
  void startsUnreadyWhileTheJwksIsDownAndServesOnceItAnswers() throws Exception {
    assertThat(get("/readyz", null)).isEqualTo("503 {\"status\":\"signing_keys_unavailable\"}");
    String token = KEY.sign(SigningKey.claims("alice"));
    assertThat(socketIoConnect(token))
        .isEqualTo("44{\"message\":\"unauthorized: signing keys not fetched yet (try again later)\"}");

    idp.serve(List.of(KEY.jwk()));
    awaitReady();

    assertThat(socketIoConnect(token)).startsWith("40{\"sid\":");
    assertThat(get("/v1/models", token)).startsWith("200 ");
  }

  @Test
  void eachRefusalKeepsItsReasonOnSocketIoAndHttp() throws Exception {
    idp.serve(List.of(KEY.jwk()));
    awaitReady();
    long past = System.currentTimeMillis() / 1000 - 3600;
    String unknownKey = SigningKey.rsa("not-published").sign(SigningKey.claims("mallory"));
    String expired = KEY.sign(SigningKey.claims("alice").put("exp", past));
    String hs256 = SigningKey.hs256(KEY.publicPem().getBytes(), new JsonObject(), SigningKey.claims("mallory"));

    assertThat(socketIoConnect(unknownKey)).contains("\"message\":\"unauthorized: token signed by an unknown key\"");
    assertThat(socketIoConnect(expired)).contains("\"message\":\"unauthorized: token expired\"");
    assertThat(socketIoConnect(hs256))
        .contains("\"message\":\"unauthorized: token algorithm HS256 (expected: ES256 or RS256)\"");

    assertThat(get("/v1/models", unknownKey)).startsWith("401 ").contains("unauthorized: token signed by an unknown key");
    assertThat(new JsonObject(get("/v1/models", expired).substring(4)).getJsonObject("error").getString("message"))
        .isEqualTo("unauthorized: token expired");
  }

  private void awaitReady() throws Exception {
    for (int i = 0; i < 200 && !get("/readyz", null).startsWith("200"); i++) {
      Thread.sleep(50);
    }
    assertThat(get("/readyz", null)).isEqualTo("200 {\"status\":\"ready\"}");
  }

  private String get(String uri, String token) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(gateway.port()).setURI(uri);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return http.request(options)
        .compose(request -> request.send().compose(response -> response.body().map(b -> response.statusCode() + " " + b)))
        .await(20, TimeUnit.SECONDS);
  }

  /** Opens a Socket.IO WebSocket, joins "/" with {@code token} and returns the CONNECT reply packet. */
  private String socketIoConnect(String token) throws Exception {
    WebSocketClient client = gateway.vertx().createWebSocketClient();
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    // The handler goes on before connecting: set in a callback of connect() it can miss the Engine.IO OPEN
    // when this thread attaches the callback after the socket opened (seen on a loaded machine).
    ClientWebSocket ws = client.webSocket().textMessageHandler(received::add);
    ws.connect(gateway.port(), "127.0.0.1", "/socket.io/?EIO=4&transport=websocket").await(20, TimeUnit.SECONDS);
    try {
      assertThat(received.poll(20, TimeUnit.SECONDS)).startsWith("0{");
      ws.writeTextMessage("40" + new JsonObject().put("token", token).encode());
      return received.poll(20, TimeUnit.SECONDS);
    } finally {
      ws.close();
      client.close();
    }
  }
}
