package io.llmgate.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.ratelimit.LocalRateLimiter;
import io.llmgate.stream.Acknowledged;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.StreamEvent.Kind;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.stream.Usage;
import io.llmgate.testing.Await;
import io.llmgate.testing.OnContext;
import io.llmgate.testing.RaceSeed;
import io.llmgate.testing.RecordingSink;
import io.llmgate.testing.Requests;
import io.llmgate.testing.ScriptedProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class StreamServiceTest {
  private static final int TOKENS = 5;

  private Vertx vertx;
  private Context context;
  private ScriptedProvider fast;
  private ScriptedProvider slow;
  private ScriptedProvider failing;
  private StreamService service;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    fast = new ScriptedProvider(vertx, "fast", 1, StreamServiceTest::fiveTokens);
    slow = new ScriptedProvider(vertx, "slow", 200, StreamServiceTest::fiveTokens);
    failing = new ScriptedProvider(vertx, "failing", 1, () -> List.of(new UpstreamEvent.Opened("failing", "m"),
        new UpstreamEvent.TextDelta("partial"),
        new GatewayException(ErrorCode.UPSTREAM_UNAVAILABLE, "overloaded")));
    service = service(60, 8);
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private StreamService service(int messagesPerMinute, int maxStreams) {
    ProviderRegistry providers = new ProviderRegistry().register(fast).register(slow).register(failing)
        .unconfigured("openai", "set OPENAI_API_KEY");
    return new StreamService(vertx, providers, new LocalRateLimiter(messagesPerMinute, Duration.ofMinutes(1)),
        maxStreams, StreamListener.NONE);
  }

  static List<Object> fiveTokens() {
    return ScriptedProvider.tokens(TOKENS);
  }

  static JsonObject request(String sessionId, String provider) {
    return new JsonObject().put("sessionId", sessionId).put("provider", provider)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  private <T> T onContext(Supplier<Future<T>> action) throws Exception {
    return OnContext.onContext(context, action);
  }

  private StreamEvent awaitFinal(RecordingSink sink) throws Exception {
    return sink.finalEvent.get(10, TimeUnit.SECONDS);
  }

  @Test
  void streamsStartTokensInOrderThenDone() throws Exception {
    RecordingSink sink = new RecordingSink();
    Acknowledged ack = onContext(() -> service.start("alice", Requests.start(request("s1", "fast")), sink));
    assertThat(ack.sessionId()).isEqualTo("s1");

    StreamEvent.Done done = (StreamEvent.Done) awaitFinal(sink);

    assertThat(sink.kinds()).containsExactly(Kind.STARTED, Kind.TOKEN, Kind.TOKEN, Kind.TOKEN, Kind.TOKEN,
        Kind.TOKEN, Kind.DONE);
    assertThat(sink.events.stream().filter(e -> e instanceof StreamEvent.Token)
        .map(e -> ((StreamEvent.Token) e).index())).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(done.fullResponse()).isEqualTo("t0 t1 t2 t3 t4 ");
    assertThat(done.tokenCount()).isEqualTo(TOKENS);
    assertThat(done.usage()).contains(new Usage(3, TOKENS));
    assertThat(done.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(done.ttftMs()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void cancelStopsTokensAndAbortsUpstream() throws Exception {
    RecordingSink sink = new RecordingSink();
    onContext(() -> service.start("alice", Requests.start(request("s1", "slow")), sink));
    Await.until("a token arrives", () -> sink.kinds().contains(Kind.TOKEN));

    boolean cancelled = onContext(() -> service.cancel("alice", Requests.cancel("s1")));

    assertThat(cancelled).isTrue();
    assertThat(awaitFinal(sink)).isInstanceOf(StreamEvent.Cancelled.class);
    assertThat(slow.opened.get(0).isCancelled()).isTrue();
    Thread.sleep(450);
    assertThat(sink.events.get(sink.events.size() - 1).kind()).isEqualTo(Kind.CANCELLED);
    assertThat(service.activeStreams()).isZero();
  }

  @Test
  void anotherUserCannotCancelAStream() throws Exception {
    RecordingSink sink = new RecordingSink();
    onContext(() -> service.start("alice", Requests.start(request("s1", "slow")), sink));

    boolean cancelled = onContext(() -> service.cancel("mallory", Requests.cancel("s1")));

    assertThat(cancelled).isFalse();
    assertThat(slow.opened.get(0).isCancelled()).isFalse();
    onContext(() -> service.cancel("alice", Requests.cancel("s1")));
  }

  @Test
  void cancellingAnUnknownSessionAnswersFalse() throws Exception {
    assertThat((boolean) onContext(() -> service.cancel("alice", Requests.cancel("nope"))))
        .isFalse();
  }

  @Test
  void sameSessionIdTwiceIsADuplicateButOtherUsersMayReuseIt() throws Exception {
    onContext(() -> service.start("alice", Requests.start(request("s1", "slow")), new RecordingSink()));

    assertThatThrownBy(() -> onContext(() -> service.start("alice", Requests.start(request("s1", "slow")), new RecordingSink())))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_SESSION));
    assertThat((Acknowledged) onContext(() -> service.start("bob", Requests.start(request("s1", "slow")), new RecordingSink())))
        .isNotNull();
  }

  @Test
  void ninthConcurrentStreamOfAUserIsRefused() throws Exception {
    for (int i = 0; i < 8; i++) {
      String id = "s" + i;
      onContext(() -> service.start("alice", Requests.start(request(id, "slow")), new RecordingSink()));
    }
    assertThatThrownBy(() -> onContext(() -> service.start("alice", Requests.start(request("s8", "slow")), new RecordingSink())))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_STREAMS));
    assertThat((Acknowledged) onContext(() -> service.start("bob", Requests.start(request("s8", "slow")), new RecordingSink())))
        .isNotNull();
  }

  @Test
  void sixtyFirstMessageInAMinuteIsRejected() throws Exception {
    for (int i = 0; i < 60; i++) {
      onContext(() -> service.admit("alice"));
    }
    assertThatThrownBy(() -> onContext(() -> service.admit("alice")))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    onContext(() -> service.admit("bob"));
  }

  @Test
  void unknownAndUnconfiguredProvidersAreRefusedWithHelp() {
    assertThatThrownBy(() -> onContext(() -> service.start("alice", Requests.start(request("s1", "nope")), new RecordingSink())))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_PROVIDER);
          assertThat(e.getMessage()).contains("\"nope\"").contains("fast");
        });
    assertThatThrownBy(() -> onContext(() -> service.start("alice", Requests.start(request("s1", "openai")), new RecordingSink())))
        .hasMessageContaining("OPENAI_API_KEY");
  }

  @Test
  void upstreamFailureMidStreamIsOneErrorEvent() throws Exception {
    RecordingSink sink = new RecordingSink();
    onContext(() -> service.start("alice", Requests.start(request("s1", "failing")), sink));

    StreamEvent.Failed failed = (StreamEvent.Failed) awaitFinal(sink);

    assertThat(failed.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    assertThat(failed.retryable()).isTrue();
    assertThat(sink.kinds()).containsExactly(Kind.STARTED, Kind.TOKEN, Kind.FAILED);
  }

  @Test
  void upstreamEndingWithoutFinishIsATruncationErrorNotDone() throws Exception {
    ScriptedProvider truncating = new ScriptedProvider(vertx, "truncating", 1,
        () -> List.of(new UpstreamEvent.Opened("truncating", "m"), new UpstreamEvent.TextDelta("half")));
    StreamService withTruncating = new StreamService(vertx, new ProviderRegistry().register(truncating),
        new LocalRateLimiter(60, Duration.ofMinutes(1)), 8, StreamListener.NONE);
    RecordingSink sink = new RecordingSink();
    onContext(() -> withTruncating.start("alice", Requests.start(request("s1", "truncating")), sink));

    assertThat(awaitFinal(sink)).isInstanceOfSatisfying(StreamEvent.Failed.class,
        failed -> {
          assertThat(failed.code()).isEqualTo(ErrorCode.UPSTREAM_TRUNCATED);
          assertThat(failed.error()).contains("truncated");
          assertThat(failed.partialResponse()).contains("half");
        });
  }

  @Test
  void disconnectCancelsOnlyThatClientsStreams() throws Exception {
    RecordingSink phone = new RecordingSink();
    RecordingSink laptop = new RecordingSink();
    onContext(() -> service.start("alice", Requests.start(request("a", "slow")), phone));
    onContext(() -> service.start("alice", Requests.start(request("b", "slow")), laptop));

    context.runOnContext(v -> service.disconnected("alice", phone));

    assertThat(awaitFinal(phone)).isInstanceOf(StreamEvent.Cancelled.class);
    assertThat(awaitFinal(laptop)).isInstanceOf(StreamEvent.Done.class);
  }

  @Test
  void fullClientQueuePausesUpstreamUntilDrained() throws Exception {
    RecordingSink sink = new RecordingSink();
    sink.full = true;
    onContext(() -> service.start("alice", Requests.start(request("s1", "fast")), sink));
    Await.until("the fast upstream is paused", () -> !fast.opened.isEmpty() && fast.opened.get(0).pauses() > 0);
    Thread.sleep(50);
    int seen = sink.events.size();
    assertThat(seen).isLessThan(TOKENS + 2);

    context.runOnContext(v -> sink.drain());

    assertThat(awaitFinal(sink)).isInstanceOf(StreamEvent.Done.class);
  }

  @Test
  void drainLetsStreamsFinishThenRefusesNewOnes() throws Exception {
    RecordingSink sink = new RecordingSink();
    onContext(() -> service.start("alice", Requests.start(request("s1", "fast")), sink));

    onContext(() -> service.drain(Duration.ofSeconds(5)));

    assertThat(awaitFinal(sink)).isInstanceOf(StreamEvent.Done.class);
    assertThatThrownBy(() -> onContext(() -> service.start("alice", Requests.start(request("s2", "fast")), new RecordingSink())))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
  }

  @Test
  void drainEndsStreamsStillRunningAfterTheGracePeriod() throws Exception {
    RecordingSink sink = new RecordingSink();
    onContext(() -> service.start("alice", Requests.start(request("s1", "slow")), sink));

    onContext(() -> service.drain(Duration.ofMillis(100)));

    assertThat(awaitFinal(sink)).isInstanceOfSatisfying(StreamEvent.Failed.class,
        failed -> assertThat(failed.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
    assertThat(slow.opened.get(0).isCancelled()).isTrue();
  }

  /** Cancel, disconnect, drain and upstream completion racing: still exactly one final event each time. */
  @RepeatedTest(30)
  void exactlyOneFinalEventUnderRaces(RepetitionInfo repetition) throws Exception {
    RaceSeed seed = RaceSeed.of(repetition);
    ScriptedProvider racing = new ScriptedProvider(vertx, "racing", 1, StreamServiceTest::fiveTokens);
    StreamService racy = new StreamService(vertx, new ProviderRegistry().register(racing),
        new LocalRateLimiter(1000, Duration.ofMinutes(1)), 8, StreamListener.NONE);
    RecordingSink sink = new RecordingSink();
    onContext(() -> racy.start("alice", Requests.start(request("s1", "racing")), sink));
    Thread.sleep(seed.pauseMillis(8));

    Context other = vertx.getOrCreateContext();
    other.runOnContext(v -> racy.cancel("alice", Requests.cancel("s1")));
    context.runOnContext(v -> racy.disconnected("alice", sink));
    vertx.getOrCreateContext().runOnContext(v -> racy.drain(Duration.ZERO));

    awaitFinal(sink);
    Thread.sleep(30);
    assertThat(sink.finalCount()).as(seed.toString()).isEqualTo(1);
    assertThat(sink.events.get(sink.events.size() - 1).isFinal()).as(seed.toString()).isTrue();
    assertThat(racy.activeStreams()).as(seed.toString()).isZero();
  }
}
