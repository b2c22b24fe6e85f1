package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.RetrySettings;
import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.Recorder;
import io.llmgate.provider.resilience.RetryingProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A provider's {@link RequestHook} prepares each request before it is sent, asynchronously, as a signer
 * or a token cache would: what it answers is what the upstream receives, a slow one still streams, a
 * failure or the first-token timeout ends the stream with a typed error before anything is sent, a
 * cancel while it runs sends nothing after it, and every retry asks it again.
 */
class RequestHookTest extends FakeUpstreamTest {
  private static final String STREAM = "ollama/synthetic/chat-stream.ndjson";
  private static final UpstreamTimeouts QUICK_FIRST_TOKEN =
      new UpstreamTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(10));


  private ChatProvider provider(RequestHook hook) {
    return new OllamaNativeTestProvider(http, upstream.baseUrl(), UpstreamTimeouts.DEFAULT, hook);
  }

  private Recorder stream(ChatProvider provider) {
    return Recorder.open(vertx, provider, JsonLinesStreamTest.request());
  }

  /** A signature over the URL and the body, computed on another thread, as a signer might. */
  @Test
  void theUpstreamReceivesTheRequestTheHookPrepared() {
    upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
    RequestHook signing = call -> {
      Promise<UpstreamCall> signed = Promise.promise();
      new Thread(() -> signed.complete(call.withHeader("X-Signature", sha256(call.url() + "\n" + call.body())))).start();
      return signed.future();
    };

    Recorder recorder = stream(provider(signing)).awaitEnd();

    Recorded request = upstream.takeRequest();
    assertThat(request.headers().get("x-signature")).isEqualTo(sha256(upstream.baseUrl() + "/api/chat\n" + request.body()));
    assertThat(request.headers().get("authorization")).as("the mapper's headers, kept by the hook")
        .isEqualTo("Bearer " + OllamaNativeTestProvider.KEY);
    assertThat(String.join("", recorder.texts())).isEqualTo("The sky is blue because of Rayleigh scattering.");
  }

  /** A token endpoint that takes its time: within the first-token timeout, the stream waits for it. */
  @Test
  void aSlowHookStillStreams() {
    upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
    RequestHook slow = call -> {
      Promise<UpstreamCall> later = Promise.promise();
      vertx.setTimer(400, id -> later.complete(call.withHeader("authorization", "Bearer fresh-token")));
      return later.future();
    };

    Recorder recorder = stream(provider(slow)).awaitEnd();

    assertThat(upstream.takeRequest().headers().getAll("authorization")).containsExactly("Bearer fresh-token");
    assertThat(recorder.texts()).hasSize(9);
  }

  /** How a hook may fail, and the stream's error: nothing is sent in any case. */
  enum HookFailure {
    /** A token endpoint that answered 503: retryable, naming the provider and the cause. */
    FAILED_FUTURE(call -> Future.failedFuture(new IllegalStateException("token endpoint: 503")), ErrorCode.UPSTREAM_UNAVAILABLE,
        true, "ollama-native: the request could not be prepared (token endpoint: 503)"),
    /** A hook that throws instead of answering a failed future fails the same way. */
    THROWN(call -> {
      throw new IllegalArgumentException("no signing key");
    }, ErrorCode.UPSTREAM_UNAVAILABLE, true, "ollama-native: the request could not be prepared (no signing key)"),
    /** An identity provider that refused the credentials: the hook's own error, as it said it. */
    GATEWAY_ERROR(call -> Future.failedFuture(new GatewayException(ErrorCode.UPSTREAM_AUTH,
        "ollama-native: token endpoint refused the client (invalid_client)")), ErrorCode.UPSTREAM_AUTH, false,
        "ollama-native: token endpoint refused the client (invalid_client)");

    final RequestHook hook;
    final ErrorCode code;
    final boolean retryable;
    final String message;

    HookFailure(RequestHook hook, ErrorCode code, boolean retryable, String message) {
      this.hook = hook;
      this.code = code;
      this.retryable = retryable;
      this.message = message;
    }
  }

  @ParameterizedTest
  @EnumSource(HookFailure.class)
  void aFailingHookEndsTheStreamWithItsErrorAndSendsNothing(HookFailure how) {
    GatewayException failure = stream(provider(how.hook)).awaitFailure();

    assertThat(failure.code()).isEqualTo(how.code);
    assertThat(failure.retryable()).isEqualTo(how.retryable);
    assertThat(failure.getMessage()).isEqualTo(how.message);
    assertThat(upstream.requestCount()).isZero();
  }

  @Test
  void aHookStillRunningAtTheFirstTokenTimeoutEndsTheStreamAndNothingIsSent() throws Exception {
    Promise<UpstreamCall> never = Promise.promise();
    CompletableFuture<UpstreamCall> asked = new CompletableFuture<>();
    Recorder recorder = stream(new OllamaNativeTestProvider(http, upstream.baseUrl(), QUICK_FIRST_TOKEN, call -> {
      asked.complete(call);
      return never.future();
    }));

    GatewayException failure = recorder.awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
    assertThat(failure.getMessage()).isEqualTo("ollama-native: no first token within 300 ms (setting: timeouts.first-token)");

    vertx.runOnContext(v -> never.complete(asked.join()));
    assertNothingReachesTheUpstreamAfterwards();
    assertThat(recorder.afterEnd()).isZero();
  }

  @Test
  void aCancelWhileTheHookRunsSendsNothingAfterIt() throws Exception {
    Promise<UpstreamCall> pending = Promise.promise();
    CompletableFuture<UpstreamCall> asked = new CompletableFuture<>();
    Recorder recorder = stream(provider(call -> {
      asked.complete(call);
      return pending.future();
    }));
    UpstreamCall call = asked.get(10, TimeUnit.SECONDS);

    recorder.cancel();
    vertx.runOnContext(v -> pending.complete(call));

    assertNothingReachesTheUpstreamAfterwards();
    assertThat(recorder.isOver()).as("a cancelled stream gets no end and no failure").isFalse();
    assertThat(recorder.events).isEmpty();
  }

  /** Each attempt is prepared afresh: a retried request carries a signature of its own, not a replayed one. */
  @Test
  void everyRetryAsksTheHookAgain() {
    upstream.enqueue(Reply.status(503).body("{\"error\":\"overloaded\"}"));
    upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
    AtomicInteger attempts = new AtomicInteger();
    List<Boolean> onTheirContext = new CopyOnWriteArrayList<>();
    RequestHook counting = call -> {
      onTheirContext.add(Vertx.currentContext() != null && Vertx.currentContext().isEventLoopContext());
      return Future.succeededFuture(call.withHeader("x-attempt", String.valueOf(attempts.incrementAndGet())));
    };
    RetrySettings quickly = new RetrySettings(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1));

    Recorder recorder = stream(new RetryingProvider(provider(counting), quickly)).awaitEnd();

    assertThat(upstream.takeRequest().headers().get("x-attempt")).isEqualTo("1");
    assertThat(upstream.takeRequest().headers().get("x-attempt")).isEqualTo("2");
    assertThat(onTheirContext).containsExactly(true, true);
    assertThat(recorder.texts()).hasSize(9);
  }

  /** A key the hook swapped in is the one blanked from an upstream message that echoes it. */
  @Test
  void theKeyTheHookSwappedInIsRedactedFromUpstreamMessages() {
    String rotated = "rotated-7f3a9c";
    upstream.enqueue(Reply.status(401).body("{\"error\":{\"message\":\"Incorrect API key provided: " + rotated + "\"}}"));

    GatewayException failure = stream(provider(call -> Future.succeededFuture(call.withKey(rotated)))).awaitFailure();

    assertThat(upstream.takeRequest().headers().get("authorization")).isEqualTo("Bearer " + rotated);
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_AUTH);
    assertThat(failure.getMessage()).doesNotContain(rotated).contains("Incorrect API key provided: ***");
  }

  /**
   * A request sent after the hook's late answer would reach the fake upstream in well under this on the
   * stream's own loop; waiting longer only makes a failure more certain, never a pass wrong.
   */
  private void assertNothingReachesTheUpstreamAfterwards() throws Exception {
    CompletableFuture<Void> settled = new CompletableFuture<>();
    vertx.setTimer(500, id -> settled.complete(null));
    settled.get(10, TimeUnit.SECONDS);
    assertThat(upstream.requestCount()).isZero();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
