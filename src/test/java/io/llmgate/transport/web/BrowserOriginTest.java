package io.llmgate.transport.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.SecurityConfig;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.Upgrades;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * security.allowed-origins on every way in, as browsers send it: a gateway that lists one other page
 * (https://app.example) and runs with a configured secret (no dev mode), and a dev-mode one.
 */
class BrowserOriginTest {
  private static final String APP = "https://app.example";
  private static final String EVIL = "https://evil.example";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestGateway gateway;
  private static TestGateway dev;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config.withJwtSecret(Optional.of("a-configured-secret-of-more-than-32-bytes"))
        .withSecurity(new SecurityConfig(List.of(APP))));
    dev = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dev.close();
  }

  private static HttpResponse<String> send(TestGateway to, String method, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(to.url() + path))
        .method(method, method.equals("POST") ? BodyPublishers.ofString("{}") : BodyPublishers.noBody());
    headers.forEach(request::header);
    return HTTP.send(request.build(), BodyHandlers.ofString());
  }

  private static void assertRefused(HttpResponse<String> response, String origin) {
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("code")).isEqualTo("forbidden_origin");
    assertThat(body.getString("error")).isEqualTo("origin not allowed: " + origin + " (setting: security.allowed-origins)");
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void httpApiRefusesAPageOfAnotherOriginBeforeAnyRouteRuns() throws Exception {
    for (String path : List.of("/v1/chat/completions", "/v1/streams")) {
      assertRefused(send(gateway, "POST", path, Map.of("Origin", EVIL, "Content-Type", "application/json",
          "Authorization", "Bearer " + gateway.token("alice"))), EVIL);
    }
    assertRefused(send(gateway, "GET", "/websocket/health", Map.of("Origin", EVIL)), EVIL);
    assertRefused(send(gateway, "GET", "/metrics", Map.of("Origin", "null")), "null");
    assertRefused(send(gateway, "OPTIONS", "/v1/chat/completions", Map.of("Origin", EVIL,
        "Access-Control-Request-Method", "POST")), EVIL);
  }

  @Test
  void anAllowedPageOfAnotherOriginGetsCorsAndItsPreflightAnswered() throws Exception {
    HttpResponse<String> preflight = send(gateway, "OPTIONS", "/v1/chat/completions", Map.of("Origin", APP,
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValue("authorization,content-type");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, DELETE");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

    HttpResponse<String> health = send(gateway, "GET", "/websocket/health", Map.of("Origin", APP));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(health.headers().firstValue("Vary").orElseThrow()).isEqualToIgnoringCase("Origin");
    HttpResponse<String> unauthorized = send(gateway, "POST", "/v1/chat/completions", Map.of("Origin", APP,
        "Content-Type", "application/json"));
    assertThat(unauthorized.statusCode()).as("the route ran: no token").isEqualTo(401);
    assertThat(unauthorized.headers().firstValue("Access-Control-Allow-Origin")).as("a page can read why")
        .hasValue(APP);
  }

  @Test
  void theGatewaysOwnPagesAndClientsWithoutOriginPassWithoutCors() throws Exception {
    HttpResponse<String> own = send(gateway, "GET", "/websocket/health", Map.of("Origin", gateway.url()));
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(own.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(send(gateway, "GET", "/websocket/health", Map.of()).statusCode()).isEqualTo(200);
    assertThat(send(gateway, "GET", "/", Map.of("Origin", gateway.url())).statusCode()).isEqualTo(200);
  }

  @Test
  void devModeAlsoAllowsLocalPagesOnAnyPortAndAConfiguredSecretDoesNot() throws Exception {
    String local = "http://localhost:5173";
    HttpResponse<String> fromLocal = send(dev, "GET", "/websocket/health", Map.of("Origin", local));
    assertThat(fromLocal.statusCode()).isEqualTo(200);
    assertThat(fromLocal.headers().firstValue("Access-Control-Allow-Origin")).hasValue(local);
    assertRefused(send(dev, "GET", "/websocket/health", Map.of("Origin", EVIL)), EVIL);
    assertRefused(send(gateway, "GET", "/websocket/health", Map.of("Origin", local)), local);
  }

  @Test
  void wsUpgradeFromARefusedOriginIsRefusedWith403BeforeItIsAccepted() throws Exception {
    WebSocketClient client = gateway.vertx().createWebSocketClient();
    UpgradeRejectedException rejected = Upgrades.rejected(client, ws(EVIL));
    assertThat(rejected.getStatus()).isEqualTo(403);
    assertThat(new JsonObject(rejected.getBody()).getString("code")).isEqualTo("forbidden_origin");

    for (String allowed : List.of(APP, gateway.url())) {
      WebSocket ws = client.connect(ws(allowed)).await(10, TimeUnit.SECONDS);
      assertThat(ws.isClosed()).as(allowed).isFalse();
      ws.close().await(10, TimeUnit.SECONDS);
    }
    client.close().await(10, TimeUnit.SECONDS); // also keeps the client reachable until here
  }

  private static WebSocketConnectOptions ws(String origin) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/ws")
        .addHeader("Origin", origin).addHeader("Authorization", "Bearer " + gateway.token("alice"));
  }

  @Test
  void socketIoRefusesARefusedOriginOnBothTransportsWithAConnectError() throws Exception {
    NodeTests.run("origins.test.mjs", Map.of(
        "LLMGATE_URL", gateway.url(),
        "TOKEN", gateway.token("alice"),
        "ALLOWED_ORIGIN", APP,
        "REFUSED_ORIGIN", EVIL));
  }
}
