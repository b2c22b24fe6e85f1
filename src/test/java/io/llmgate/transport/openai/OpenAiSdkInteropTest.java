package io.llmgate.transport.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.ContentPart;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.Reasoning;
import io.llmgate.stream.ResponseFormat;
import io.llmgate.stream.Usage;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.Script;
import io.llmgate.testing.TestGateway;
import java.time.Duration;
import java.util.List;
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
            .usage(new Usage(3, 3, 1, 0, 2)).finish(FinishReason.STOP))
        .script("place", Script.upstream().opened("script-1").text("{\"city\"", ":\"Par", "is\"}").usage(9, 5)
            .finish(FinishReason.STOP))
        .script("long", Script.upstream().every(30).opened("script-1").tokens(1000).finish(FinishReason.STOP))
        .script("fail-early", Script.upstream().every(10).fail(ErrorCode.UPSTREAM_UNAVAILABLE, "upstream overloaded"))
        .script("fail-after-first", Script.upstream().every(10).opened("script-1").text("partial")
            .fail(ErrorCode.UPSTREAM_ERROR, "upstream reset the connection"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** What parse() sent, as the provider received it: images in order, the schema and every sampling field. */
  private static void assertReachedTheProvider(ChatRequest request) {
    assertThat(request.messages().get(0).parts()).containsExactly(new ContentPart.Text("place"),
        new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", Optional.of("low")),
        new ContentPart.Image("https://example.com/cat.jpg", Optional.empty()));
    GenerationOptions options = request.options();
    ResponseFormat format = options.responseFormat().orElseThrow();
    assertThat(format.type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    assertThat(format.name()).isEqualTo("place");
    assertThat(format.strict()).contains(true);
    assertThat(format.schema()).containsEntry("required", List.of("city")).containsEntry("additionalProperties", false);
    assertThat(options.stop()).containsExactly("END");
    assertThat(options.topP()).hasValue(0.5);
    assertThat(options.seed()).hasValue(7);
    assertThat(options.presencePenalty()).hasValue(1.0);
    assertThat(options.frequencyPenalty()).hasValue(-1.0);
    assertThat(options.user()).contains("end-user-1");
    assertThat(options.reasoning().flatMap(Reasoning::effort)).contains(Reasoning.Effort.LOW);
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
    assertReachedTheProvider(gateway.upstream().generations("place").get(0).request());
    assertThat(gateway.upstream().generations("fail-early#retried")).as("SDK default: two retries").hasSize(3);
  }
}
