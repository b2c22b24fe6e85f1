package io.llmgate.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.Gateway;
import io.llmgate.config.GatewayConfig;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.stream.StreamListener;
import io.llmgate.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthRoutesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private Gateway gateway;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    GatewayConfig config = GatewayConfig.defaults(0).withJwtSecret(Optional.of(TestTokens.SECRET));
    gateway = Gateway.start(vertx, config, new ProviderRegistry(), StreamListener.NONE).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void websocketHealthHasTheOriginalCounters() throws Exception {
    HttpResponse<String> response = get("/websocket/health");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getInteger("connectedClients")).isZero();
    assertThat(body.getInteger("totalSubscriptions")).isZero();
    assertThat(body.getInteger("activeLLMStreams")).isZero();
    assertThat(body.getLong("uptimeSeconds")).isNotNegative();
  }

  @Test
  void readinessTurnsOffWhenDrainingWhileLivenessStays() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);

    vertx.runOnContext(v -> gateway.streams().drain(java.time.Duration.ofSeconds(5)));

    // The drain starts on the event loop: asked until it has (bounded), not after a fixed sleep.
    int ready = get("/readyz").statusCode();
    for (int i = 0; i < 200 && ready != 503; i++) {
      Thread.sleep(10);
      ready = get("/readyz").statusCode();
    }
    assertThat(ready).isEqualTo(503);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }
}
