package io.llmgate.provider.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.CompatibleProviderSettings;
import io.llmgate.config.RetrySettings;
import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.Recorder;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.compatible.CompatibleProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import io.llmgate.testing.Await;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Retries and fallback before the first token, once for every provider: they all fail through the same
 * HTTP plumbing into the same {@link GatewayException}s (each provider's contract test proves its own
 * mapping). Real providers, each against its own {@link FakeUpstream}; retry waits go to a
 * {@link ManualRetryTimer}, so a wait of seconds is asserted, not slept through.
 */
class FailoverTest {
  private static final String STREAM = "ollama/synthetic/v1-chat-stream-include-usage.sse";
  private final Vertx vertx = Vertx.vertx();
  private final HttpUpstream http = HttpUpstream.create(vertx, 8);
  private final FakeUpstream upstream = FakeUpstream.start(vertx);

  @AfterEach
  void stop() {
    vertx.close().await(); // with the fake upstreams
  }

  private ChatProvider provider(String name, FakeUpstream at) {
    return CompatibleProvider.create(http, new CompatibleProviderSettings(name, at.baseUrl() + "/v1",
        Optional.empty(), Optional.empty(), "llama3.2", List.of(), List.of(), UpstreamTimeouts.DEFAULT, RetrySettings.none()),
        Optional.empty());
  }

  private static ChatRequest request(String provider, Optional<String> model, List<String> fallback) {
    return new ChatRequest("s", provider, List.of(new ChatMessage(Role.USER, "What colour is the sky?")),
        model, Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), fallback, Map.of());
  }

  @Nested
  class Retries {
    private static final RetrySettings RETRY =
        new RetrySettings(3, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(10));
    private final ManualRetryTimer timer = new ManualRetryTimer();

    private Recorder stream() {
      return Recorder.open(vertx, new RetryingProvider(provider("primary", upstream), RETRY, timer),
          request("primary", Optional.empty(), List.of()));
    }

    @Test
    void retriesOverloadBeforeTheFirstTokenWithGrowingJitteredWaits() throws Exception {
      upstream.enqueue(Reply.status(503).body("{\"error\":{\"message\":\"busy\"}}"));
      upstream.enqueue(Reply.status(529).body("{\"error\":{\"message\":\"busy\"}}"));
      upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
      Recorder recorder = stream();

      ManualRetryTimer.Wait first = timer.next();
      assertThat(first.delay()).isBetween(Duration.ofMillis(375), Duration.ofMillis(500));
      assertThat(upstream.requestCount()).as("nothing is sent before the wait is over").isEqualTo(1);
      first.fire();
      ManualRetryTimer.Wait second = timer.next();
      assertThat(second.delay()).isBetween(Duration.ofMillis(750), Duration.ofMillis(1000));
      second.fire();

      recorder.awaitEnd();
      assertThat(String.join("", recorder.texts())).isEqualTo("The sky is blue.");
      assertThat(recorder.ofKind(UpstreamEvent.Opened.class)).as("the failed attempts leave no trace").hasSize(1);
      assertThat(upstream.requestCount()).isEqualTo(3);
    }

    @Test
    void waitsWhatRetryAfterSays() throws Exception {
      upstream.enqueue(Reply.status(429).header("retry-after", "7").body("{\"error\":{\"message\":\"slow down\"}}"));
      upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
      Recorder recorder = stream();

      ManualRetryTimer.Wait wait = timer.next();
      assertThat(wait.delay()).isEqualTo(Duration.ofSeconds(7));
      wait.fire();

      recorder.awaitEnd();
      assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void aRetryAfterOverTheLimitEndsTheRetriesAtOnce() {
      upstream.enqueue(Reply.status(429).header("retry-after", "11").body("{\"error\":{\"message\":\"slow down\"}}"));
      GatewayException failure = stream().awaitFailure();

      assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_RATE_LIMITED);
      assertThat(timer.asked()).isEmpty();
      assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void givesUpAfterTheLastAttemptWithItsFailure() throws Exception {
      for (int i = 0; i < 3; i++) {
        upstream.enqueue(Reply.status(500).body("{\"error\":{\"message\":\"boom " + i + "\"}}"));
      }
      Recorder recorder = stream();
      timer.next().fire();
      timer.next().fire();

      GatewayException failure = recorder.awaitFailure();
      assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
      assertThat(failure.getMessage()).contains("boom 2");
      assertThat(timer.asked()).hasSize(2);
      assertThat(upstream.requestCount()).isEqualTo(3);
    }

    @Test
    void neverRetriesABadKey() {
      upstream.enqueue(Reply.status(401).body("{\"error\":{\"message\":\"bad key\"}}"));
      upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
      GatewayException failure = stream().awaitFailure();

      assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_AUTH);
      assertThat(timer.asked()).isEmpty();
      assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void neverRetriesOnceATokenWentOut() {
      byte[] bytes = Fixtures.bytes(STREAM);
      upstream.enqueue(Reply.stream(bytes).resetAfter(bytes.length / 2));
      upstream.enqueue(Reply.stream(bytes));
      Recorder recorder = stream();

      recorder.awaitFailure();
      assertThat(recorder.deltas()).isPositive();
      assertThat(timer.asked()).isEmpty();
      assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void cancelDuringTheWaitCancelsItAndOpensNothingMore() throws Exception {
      upstream.enqueue(Reply.status(503).body("{}"));
      upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
      Recorder recorder = stream();
      ManualRetryTimer.Wait wait = timer.next();

      recorder.cancel();
      Await.until("the stream is cancelled", wait.cancelled()::get);
      wait.fire(); // as a timer that fired while cancel() ran would
      Thread.sleep(100); // what the fired action would have opened would have been asked for by now
      assertThat(upstream.requestCount()).isEqualTo(1);
      assertThat(recorder.isOver()).as("no end and no failure after cancel").isFalse();
      assertThat(recorder.afterEnd()).isZero();
    }
  }

  /** Fallback to the next provider, chained by {@link ProviderRegistry#resolve} as the stream service does. */
  @Nested
  class Fallback {
    private final FakeUpstream backupUpstream = FakeUpstream.start(vertx);
    private final ProviderRegistry registry = new ProviderRegistry().register(provider("primary", upstream))
        .register(provider("backup", backupUpstream));

    private Recorder stream(ChatRequest request) {
      return Recorder.open(vertx, registry.resolve(request), request);
    }

    @Test
    void fallsBackWithTheFallbacksOwnModelAndSaysWhichAnswered() {
      upstream.enqueue(Reply.status(401).body("{\"error\":{\"message\":\"bad key\"}}"));
      backupUpstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
      ChatRequest request = request("primary", Optional.of("primary-model"), List.of("backup"));

      Recorder recorder = stream(request).awaitEnd();

      assertThat(recorder.snapshot().get(0)).isEqualTo(new UpstreamEvent.Opened("backup", "llama3.2"));
      assertThat(recorder.ofKind(UpstreamEvent.Opened.class)).hasSize(1);
      assertThat(String.join("", recorder.texts())).isEqualTo("The sky is blue.");
      assertThat(upstream.takeRequest().json().getString("model")).isEqualTo("primary-model");
      assertThat(backupUpstream.takeRequest().json().getString("model")).as("the fallback's own default model")
          .isEqualTo("llama3.2");
    }

    @Test
    void theLastFailureOfTheChainIsWhatTheClientGetsWithEveryProvidersReason() {
      upstream.enqueue(Reply.status(503).body("{\"error\":{\"message\":\"primary down\"}}"));
      backupUpstream.enqueue(Reply.status(500).body("{\"error\":{\"message\":\"backup broken\"}}"));

      var failure = stream(request("primary", Optional.empty(), List.of("backup"))).awaitFailure();

      assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
      assertThat(failure.getMessage()).contains("primary down").contains("; then ").contains("backup broken");
    }

    @Test
    void neverFallsBackOnceATokenWentOut() {
      byte[] bytes = Fixtures.bytes(STREAM);
      upstream.enqueue(Reply.stream(bytes).resetAfter(bytes.length / 2));
      backupUpstream.enqueue(Reply.stream(bytes));

      Recorder recorder = stream(request("primary", Optional.empty(), List.of("backup")));

      recorder.awaitFailure();
      assertThat(recorder.deltas()).isPositive();
      assertThat(backupUpstream.requestCount()).isZero();
    }
  }

}
