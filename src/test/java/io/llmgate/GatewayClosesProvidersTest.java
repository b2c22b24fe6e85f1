package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.GatewayConfig;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.Recorder;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import io.llmgate.stream.StreamListener;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway's shutdown closes its providers' HTTP clients: the keep-alive connection a finished stream
 * left in the pool is closed then, not a minute later when the pool would have let it go (or never, for
 * the self-warm-up's gateway, which stops while its process runs on).
 */
class GatewayClosesProvidersTest {
  private Vertx vertx;
  private FakeUpstream openai;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    openai = FakeUpstream.start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    openai.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void shutdownClosesTheUpstreamConnectionsItsProvidersKeep() throws Exception {
    GatewayConfig config = GatewayConfig.defaults(0).withJwtSecret(Optional.of("close-test-secret-0123456789abcdef"))
        .withEnv(Map.of("OPENAI_API_KEY", "sk-close-test", "OPENAI_BASE_URL", openai.baseUrl() + "/v1"));
    ProviderRegistry providers = vertx.executeBlocking(() -> Gateway.providers(vertx, config)).await(30, TimeUnit.SECONDS);
    Gateway gateway = Gateway.start(vertx, config, providers, StreamListener.NONE).await(30, TimeUnit.SECONDS);
    openai.enqueue(Reply.stream(Fixtures.bytes("openai-chat/text-with-usage.sse")));
    ChatRequest request = new ChatRequest("s-1", "openai", List.of(new ChatMessage(Role.USER, "hi")), Optional.empty(),
        Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), List.of(), Map.of());
    Recorder.open(vertx, providers.require("openai"), request).awaitEnd();
    Recorded exchange = openai.takeRequest();
    exchange.awaitFinished();
    assertThat(exchange.connectionClosedAt()).as("kept alive in the pool after the stream").isNotDone();

    gateway.shutdown().await(30, TimeUnit.SECONDS);

    exchange.awaitClosed();
  }
}
