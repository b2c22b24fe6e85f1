package io.llmgate.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmgate.config.ProvidersSettings;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Streams one short answer from each real provider whose key is in the environment. Never required:
 * runs only with {@code LLMGATE_LIVE_TESTS=1}, and skips a provider without its key.
 */
@EnabledIfEnvironmentVariable(named = "LLMGATE_LIVE_TESTS", matches = "1")
class LiveProvidersTest {
  private static Vertx vertx;
  private static ProviderRegistry registry;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    registry = Providers.fromEnvironment(vertx, System.getenv(), ProvidersSettings.DEFAULT);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @ParameterizedTest
  @CsvSource({"openai, OPENAI_API_KEY", "claude, ANTHROPIC_API_KEY", "gemini, GEMINI_API_KEY",
      "deepseek, DEEPSEEK_API_KEY"})
  void streamsAShortAnswer(String provider, String keyVariable) {
    assumeTrue(System.getenv(keyVariable) != null && !System.getenv(keyVariable).isBlank(), keyVariable + " not set");
    ChatRequest request = new ChatRequest("live", provider, List.of(new ChatMessage(Role.USER, "Say hello in one word.")),
        Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalInt.of(32), List.of(), Map.of());
    Recorder recorder = Recorder.open(vertx, registry.require(provider), request).awaitEnd();
    assertThat(recorder.snapshot().get(0)).isInstanceOf(UpstreamEvent.Opened.class);
    assertThat(String.join("", recorder.texts())).isNotBlank();
    assertThat(recorder.ofKind(UpstreamEvent.Finished.class)).hasSize(1);
    assertThat(recorder.ofKind(UpstreamEvent.UsageReport.class)).hasSize(1);
  }
}
