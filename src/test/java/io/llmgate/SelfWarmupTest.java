package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.llmgate.config.ApiConfig;
import io.llmgate.config.GatewayConfig;
import io.llmgate.config.Limits;
import io.llmgate.config.WarmupConfig;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.warmup.SelfWarmup;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The self-warm-up before {@code /readyz} turns ready, on the production wiring with a real OpenAI provider
 * over a fake upstream: readiness says {@code warming_up} until it is over; the provider, the metrics and
 * the health counters of the node see none of it; a warm-up that fails or runs out of time still ends in
 * a ready node, with a log line saying so.
 */
class SelfWarmupTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final Logger warmupLog = (Logger) LoggerFactory.getLogger(SelfWarmup.class);
  private final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
  private Vertx vertx;
  private FakeUpstream openai;
  private Gateway gateway;

  @BeforeEach
  void start() {
    logLines.start();
    warmupLog.addAppender(logLines);
    vertx = Vertx.vertx();
    openai = FakeUpstream.start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    warmupLog.detachAppender(logLines);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void startGateway(WarmupConfig warmup, Limits limits) throws Exception {
    GatewayConfig config = GatewayConfig.defaults(0).withJwtSecret(Optional.of("warmup-test-secret-0123456789abcdef"))
        .withApi(ApiConfig.DEFAULT.withDefaultModel("openai")).withLimits(limits).withWarmup(warmup)
        .withEnv(Map.of("OPENAI_API_KEY", "sk-warmup-test", "OPENAI_BASE_URL", openai.baseUrl() + "/v1"));
    gateway = Gateway.start(vertx, config).await(30, TimeUnit.SECONDS);
  }

  @Test
  void readinessWaitsForTheWarmupWhichNoProviderMetricOrHealthCounterSees() throws Exception {
    startGateway(new WarmupConfig(150, 4, Duration.ofSeconds(60), Duration.ZERO), Limits.DEFAULT);

    JsonObject healthDuring = new JsonObject(get("/websocket/health").body());
    HttpResponse<String> during = get("/readyz");
    assertThat(during.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(during.body()).getString("status")).isEqualTo("warming_up");
    assertThat(healthDuring.getInteger("connectedClients")).isZero();
    assertThat(healthDuring.getInteger("activeLLMStreams")).isZero();

    SelfWarmup.Result result = gateway.warmedUp().await(60, TimeUnit.SECONDS);
    assertThat(result).isEqualTo(new SelfWarmup.Result(150, 0, result.millis(), false));
    HttpResponse<String> after = get("/readyz");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(after.body()).getString("status")).isEqualTo("ready");

    assertThat(openai.requestCount()).as("requests that reached the node's provider").isZero();
    String metrics = get("/metrics").body();
    assertThat(metrics).doesNotContain("llmgate_streams_started_total{").doesNotContain("warmup");
    assertThat(metrics).contains("llmgate_connections_active{transport=\"socketio\"} 0.0");
    JsonObject healthAfter = new JsonObject(get("/websocket/health").body());
    assertThat(healthAfter.getInteger("connectedClients")).isZero();
    assertThat(healthAfter.getInteger("activeLLMStreams")).isZero();
    assertThat(logLines.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(line -> line.startsWith("warm-up: 150 streams in "));
  }

  @Test
  void aWarmupEndedByAFailedStreamStillMakesTheNodeReady() throws Exception {
    // Smaller than any warm-up request: the warm-up gateway, built from the node's settings, refuses the first.
    startGateway(new WarmupConfig(150, 1, Duration.ofSeconds(60), Duration.ZERO), new Limits(60, Duration.ofMinutes(1), 8, 32));

    SelfWarmup.Result result = gateway.warmedUp().await(60, TimeUnit.SECONDS);

    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.streams()).isZero();
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(logLines.list).filteredOn(line -> line.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(line -> line.startsWith("warm-up stream 0 failed: ") && line.contains("(expected: at most 32)"))
        .anyMatch(line -> line.startsWith("warm-up: ended by a failed stream after 0 streams"));
  }

  @Test
  void aWarmupStoppedAtItsMaxDurationStillMakesTheNodeReady() throws Exception {
    startGateway(new WarmupConfig(1_000_000, 2, Duration.ofMillis(300), Duration.ZERO), Limits.DEFAULT);

    SelfWarmup.Result result = gateway.warmedUp().await(60, TimeUnit.SECONDS);

    assertThat(result.timedOut()).isTrue();
    assertThat(result.streams()).isLessThan(1_000_000);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(logLines.list).extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(line -> line.startsWith("warm-up: stopped at warmup.max-duration"));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
