package io.llmgate.provider.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.LocalModelConfig;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.ToolUse;
import io.llmgate.stream.ContentPart;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.ResponseFormat;
import io.llmgate.stream.Role;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled model through the provider SPI, as the gateway drives it. */
class LocalProviderTest {
  private static final String PINNED_PROMPT = "And the LORD said unto Moses";
  private static final String PINNED_GREEDY_20 = ", I will become a covenant of the LORD, and I will b";

  private static Vertx vertx;
  private static LocalProvider provider;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    provider = LocalProvider.load(new LocalModelConfig(Optional.empty(), Optional.empty(), Duration.ZERO, 200,
        0.8, 0.9));
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  private static ChatRequest request(int maxTokens, double temperature) {
    return new ChatRequest("s1", "local", List.of(new ChatMessage(Role.USER, PINNED_PROMPT)), Optional.empty(),
        Optional.empty(), OptionalDouble.of(temperature), OptionalInt.of(maxTokens), List.of(), Map.of());
  }

  private static final class Recorder {
    final List<UpstreamEvent> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    final Context context = vertx.getOrCreateContext();
    volatile ProviderStream stream;

    String text() {
      StringBuilder text = new StringBuilder();
      events.stream().filter(e -> e instanceof UpstreamEvent.TextDelta)
          .forEach(e -> text.append(((UpstreamEvent.TextDelta) e).text()));
      return text.toString();
    }

    long tokens() {
      return events.stream().filter(e -> e instanceof UpstreamEvent.TextDelta).count();
    }
  }

  private static Recorder open(ChatRequest request) {
    Recorder recorder = new Recorder();
    recorder.context.runOnContext(v -> {
      recorder.stream = provider.open(request);
      recorder.stream.handler(recorder.events::add);
      recorder.stream.endHandler(end -> recorder.ended.complete(null));
      recorder.stream.exceptionHandler(recorder.ended::completeExceptionally);
    });
    return recorder;
  }

  @Test
  void greedyGenerationIsTheExpectedTextWithUsageAndFinishReason() throws Exception {
    Recorder recorder = open(request(20, 0));
    recorder.ended.get(30, TimeUnit.SECONDS);

    assertThat(recorder.events.get(0)).isEqualTo(new UpstreamEvent.Opened("local", "kjv-llama-0.9m"));
    assertThat(recorder.text()).isEqualTo(PINNED_GREEDY_20);
    assertThat(recorder.tokens()).isEqualTo(20);
    assertThat(recorder.events).contains(new UpstreamEvent.Finished(FinishReason.LENGTH));
    UpstreamEvent.UsageReport usage = (UpstreamEvent.UsageReport) recorder.events.stream()
        .filter(e -> e instanceof UpstreamEvent.UsageReport).findFirst().orElseThrow();
    assertThat(usage.usage().outputTokens()).isEqualTo(20);
    assertThat(usage.usage().inputTokens()).isPositive();
  }

  @Test
  void cancelStopsGenerationBetweenTokens() throws Exception {
    Recorder recorder = open(request(200, 0.8));
    while (recorder.tokens() < 3) {
      Thread.sleep(1);
    }
    CompletableFuture<Long> atCancel = new CompletableFuture<>();
    recorder.context.runOnContext(v -> {
      recorder.stream.cancel();
      atCancel.complete(recorder.tokens());
    });
    long tokensAtCancel = atCancel.get(5, TimeUnit.SECONDS);
    Thread.sleep(200);

    assertThat(recorder.tokens()).isEqualTo(tokensAtCancel).isLessThan(200);
    assertThat(recorder.ended).isNotDone();
  }

  private static ChatRequest sampled(long seed, double topP) {
    ChatRequest plain = request(30, 1.0);
    GenerationOptions options = new GenerationOptions(List.of(), OptionalDouble.of(topP), OptionalLong.of(seed),
        OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    return new ChatRequest(plain.sessionId(), plain.provider(), plain.messages(), plain.model(), plain.system(),
        plain.temperature(), plain.maxTokens(), plain.fallback(), plain.metadata(), options, ToolUse.NONE);
  }

  private static String generate(ChatRequest request) throws Exception {
    Recorder recorder = open(request);
    recorder.ended.get(30, TimeUnit.SECONDS);
    return recorder.text();
  }

  @Test
  void theSameSeedReplaysTheSameTextAndTopPZeroIsGreedy() throws Exception {
    String first = generate(sampled(7, 0.95));
    assertThat(generate(sampled(7, 0.95))).isEqualTo(first);
    assertThat(generate(sampled(8, 0.95))).as("another seed, another draw").isNotEqualTo(first);
    assertThat(generate(sampled(7, 0))).startsWith(PINNED_GREEDY_20);
  }

  @Test
  void imagesAndOutputFormatsAreBeyondTheDemoModel() {
    ChatRequest image = new ChatRequest("s1", "local", List.of(new ChatMessage(Role.USER, List.of(
        new ContentPart.Text("look"), new ContentPart.Image("https://example.com/a.png", Optional.empty())))),
        Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), List.of(), Map.of());
    assertThat(provider.capabilities().refusal("local", image)).contains("messages: image parts are not supported"
        + " by provider \"local\" (expected: text only, or a provider that accepts images)");
    ChatRequest json = sampled(1, 1).withProvider("local");
    ChatRequest withFormat = new ChatRequest(json.sessionId(), "local", json.messages(), json.model(), json.system(),
        json.temperature(), json.maxTokens(), json.fallback(), json.metadata(), new GenerationOptions(List.of(),
            OptionalDouble.empty(), OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
            Optional.empty(), Optional.of(ResponseFormat.jsonObject()), Optional.empty()), ToolUse.NONE);
    assertThat(provider.capabilities().refusal("local", withFormat))
        .contains("responseFormat: json_object is not supported by provider \"local\" (expected: none)");
  }
}
