package io.llmgate.transport.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.Script;
import io.llmgate.testing.TestGateway;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official {@code openai} npm SDK (interop/openai.test.mjs) against the real gateway. */
class OpenAiSdkInteropTest {
  private static final String API_KEY = "sk-llmgate-test-key";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config.withApiKey(Optional.of(API_KEY)));
    gateway.upstream()
        .script("hello", Script.upstream().opened("script-1").reasoning("thinking").text("Hel", "lo", " world")
            .usage(3, 3).finish(FinishReason.STOP))
        .script("long", Script.upstream().every(30).opened("script-1").tokens(1000).finish(FinishReason.STOP))
        .script("fail-early", Script.upstream().every(10).fail(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream overloaded"))
        .script("fail-after-first", Script.upstream().every(10).opened("script-1").text("partial")
            .fail(ErrorCode.UPSTREAM_ERROR, "upstream reset the connection"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void officialSdkStreamsCompletesListsFailsAndAborts() throws Exception {
    NodeTests.run("openai.test.mjs", Map.of(
        "LLMGATE_URL", gateway.url(),
        "LLMGATE_TOKEN", gateway.token("sdk-user"),
        "LLMGATE_API_KEY", API_KEY));

    for (String prompt : new String[] {"long#abort-signal", "long#break"}) {
      gateway.upstream().awaitGeneration(prompt, 0, Duration.ofSeconds(5)).awaitCancelled(Duration.ofSeconds(5));
    }
    assertThat(gateway.upstream().generations("fail-early")).as("maxRetries: 0 means one request").hasSize(1);
    assertThat(gateway.upstream().generations("fail-early#retried")).as("SDK default: two retries").hasSize(3);
  }
}
