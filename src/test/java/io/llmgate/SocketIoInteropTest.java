package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.GatewayConfig;
import io.llmgate.config.Limits;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.StreamListener;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.ScriptedProvider;
import io.llmgate.testing.TestTokens;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * protocol.md's every flow, driven by the real npm socket.io-client over polling+upgrade and websocket;
 * and the seed's useLLMStream React hook, unchanged, across a dropped transport.
 */
class SocketIoInteropTest {
  private static final int MESSAGES_PER_MINUTE = 200;
  // Slow enough that a reconnect (about a second) falls inside the answer even on a loaded machine.
  private static final List<Object> PACED = ScriptedProvider.tokens(40);
  private static Vertx vertx;
  private static ScriptedProvider paced;
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
        .register(new ScriptedProvider(vertx, "slow", 150, () -> ScriptedProvider.tokens(6)))
        .register(new ScriptedProvider(vertx, "tools", 2, SocketIoInteropTest::parallelToolCalls).acceptingTools());
    paced = new ScriptedProvider(vertx, "paced", 100, () -> PACED);
    providers.register(paced);
    gateway = Gateway.start(vertx, config, providers, StreamListener.NONE).await();
  }

  /** Two calls whose fragments interleave; U+1F30D's two UTF-16 halves arrive in two fragments. */
  private static List<Object> parallelToolCalls() {
    return List.of(new UpstreamEvent.TextDelta("Checking."),
        new UpstreamEvent.ToolCallDelta(0, Optional.of("call_a"), Optional.of("get_weather"), ""),
        new UpstreamEvent.ToolCallDelta(1, Optional.of("call_b"), Optional.of("get_time"), "{\"tz\":\""),
        new UpstreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "{\"city\":"),
        new UpstreamEvent.ToolCallDelta(1, Optional.empty(), Optional.empty(), "\ud83c"),
        new UpstreamEvent.ToolCallDelta(1, Optional.empty(), Optional.empty(), "\udf0d\"}"),
        new UpstreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "\"Paris\"}"),
        new UpstreamEvent.Finished(FinishReason.TOOL_CALLS));
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

  @Test
  void theSeedsUseLlmStreamHookRendersTheWholeAnswerAcrossATransportClose() throws Exception {
    String answer = PACED.stream().filter(UpstreamEvent.TextDelta.class::isInstance)
        .map(delta -> ((UpstreamEvent.TextDelta) delta).text()).collect(Collectors.joining());
    NodeTests.run("use-llm-stream.test.mjs", Map.of(
        "LLMGATE_URL", "http://127.0.0.1:" + gateway.port(),
        "TOKEN_ALICE", tokens.valid("alice"),
        "PACED_ANSWER", answer));
    // Generated once and never cancelled: the dropped connection cost the user nothing.
    assertThat(paced.opened).singleElement().satisfies(upstream -> assertThat(upstream.isCancelled()).isFalse());
  }
}
