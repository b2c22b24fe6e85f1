package io.llmgate;

import io.llmgate.config.GatewayConfig;
import io.llmgate.config.Limits;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.stream.StreamListener;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.ScriptedProvider;
import io.llmgate.testing.TestTokens;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** protocol.md's every flow, driven by the real npm socket.io-client over polling+upgrade and websocket. */
class SocketIoInteropTest {
  private static final int MESSAGES_PER_MINUTE = 200;
  private static Vertx vertx;
  private static Gateway gateway;
  private static TestTokens tokens;

  @BeforeAll
  static void startGateway() {
    vertx = Vertx.vertx();
    tokens = new TestTokens(vertx);
    GatewayConfig config = GatewayConfig.defaults(0).withJwtSecret(Optional.of(TestTokens.SECRET))
        .withLimits(new Limits(MESSAGES_PER_MINUTE, Duration.ofMinutes(1), 8, 64 * 1024));
    ProviderRegistry providers = Gateway.providers(vertx, config)
        .register(new ScriptedProvider(vertx, "scripted", 2, () -> ScriptedProvider.tokens(8)))
        .register(new ScriptedProvider(vertx, "slow", 150, () -> ScriptedProvider.tokens(6)));
    gateway = Gateway.start(vertx, config, providers, StreamListener.NONE).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void everyProtocolFlowWorksWithTheNpmClient() throws Exception {
    NodeTests.run("socketio.test.mjs", Map.of(
        "LLMGATE_URL", "http://127.0.0.1:" + gateway.port(),
        "TOKEN_ALICE", tokens.valid("alice"),
        "TOKEN_BOB", tokens.valid("bob"),
        "TOKEN_LIMITED", tokens.valid("limited"),
        "TOKEN_EXPIRED", tokens.expired("alice"),
        "TOKEN_BAD_SIGNATURE", tokens.wrongSignature("alice"),
        "TOKEN_ALG_NONE", tokens.algNone("alice"),
        "MESSAGES_PER_MINUTE", String.valueOf(MESSAGES_PER_MINUTE)));
  }
}
