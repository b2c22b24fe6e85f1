package io.llmgate.session;

import static io.llmgate.testing.OnContext.onContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.ratelimit.LocalRateLimiter;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Resumed;
import io.llmgate.stream.StreamEvent.Kind;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.stream.ToolCall;
import io.llmgate.testing.Await;
import io.llmgate.testing.RaceSeed;
import io.llmgate.testing.RecordingSink;
import io.llmgate.testing.Requests;
import io.llmgate.testing.ScriptedProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** {@code llm:stream:resume} on one node: replay from the store, then live, per user, within bounds. */
class ResumeTest {
  private Vertx vertx;
  private Context context;
  private Context otherContext;
  private ScriptedProvider fast;
  private ScriptedProvider slow;
  private final AtomicLong clock = new AtomicLong();
  private InMemoryReplayStore store;
  private StreamService service;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    otherContext = vertx.getOrCreateContext();
    fast = new ScriptedProvider(vertx, "fast", 1, () -> ScriptedProvider.tokens(5));
    slow = new ScriptedProvider(vertx, "slow", 150, () -> ScriptedProvider.tokens(5));
    store = new InMemoryReplayStore(Duration.ofMinutes(5), 100, 1000, clock::get);
    service = new StreamService(vertx, new ProviderRegistry().register(fast).register(slow),
        new LocalRateLimiter(1000, Duration.ofMinutes(1)), 8,
        StreamListener.NONE, store);
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void replaysTheEventsAfterLastIndexThenTheFinalOne() throws Exception {
    finishedStream("alice", "s1");
    RecordingSink again = new RecordingSink();

    Resumed resumed = onContext(context, () -> service.resume("alice", resume("s1", 2), again));

    assertThat(resumed.live()).isFalse();
    assertThat(resumed.replayed()).isEqualTo(3);
    Await.until("the resumed client gets the end", () -> again.finalCount() == 1);
    assertThat(again.kinds()).containsExactly(Kind.TOKEN, Kind.TOKEN, Kind.DONE);
    assertThat(indexes(again)).containsExactly(3L, 4L);
  }

  @Test
  void replaysToolCallFragmentsWithTheirCallsAndTheDoneThatAssembledThem() throws Exception {
    ScriptedProvider tools = new ScriptedProvider(vertx, "tools", 1, () -> List.of(
        new UpstreamEvent.TextDelta("Let me look."),
        new UpstreamEvent.ToolCallDelta(0, Optional.of("call_a"), Optional.of("get_weather"), ""),
        new UpstreamEvent.ToolCallDelta(1, Optional.of("call_b"), Optional.of("get_time"), "{}"),
        new UpstreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "{\"city\":\"Paris\"}"),
        new UpstreamEvent.Finished(FinishReason.TOOL_CALLS)));
    StreamService withTools = new StreamService(vertx, new ProviderRegistry().register(tools),
        new LocalRateLimiter(1000, Duration.ofMinutes(1)), 8,
        StreamListener.NONE, store);
    RecordingSink first = new RecordingSink();
    onContext(context, () -> withTools.start("alice", Requests.start(StreamServiceTest.request("s1", "tools")), first));
    StreamEvent.Done done = (StreamEvent.Done) first.finalEvent.get(5, TimeUnit.SECONDS);
    assertThat(done.toolCalls()).containsExactly(new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
        new ToolCall("call_b", "get_time", "{}"));
    RecordingSink again = new RecordingSink();

    onContext(context, () -> withTools.resume("alice", resume("s1", 1), again));

    again.finalEvent.get(5, TimeUnit.SECONDS);
    assertThat(again.kinds()).containsExactly(Kind.TOOL_CALL, Kind.TOOL_CALL, Kind.DONE);
    assertThat(again.events).isEqualTo(first.events.subList(first.events.size() - 3, first.events.size()));
  }

  @Test
  void withoutLastIndexReplaysEverythingFromStart() throws Exception {
    finishedStream("alice", "s1");
    RecordingSink again = new RecordingSink();

    onContext(context, () -> service.resume("alice", Requests.resume(new JsonObject().put("sessionId", "s1")), again));

    assertThat(again.finalEvent.get(5, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Done.class);
    assertThat(again.kinds()).containsExactly(Kind.STARTED, Kind.TOKEN, Kind.TOKEN, Kind.TOKEN, Kind.TOKEN,
        Kind.TOKEN, Kind.DONE);
  }

  @Test
  void resumingAfterADisconnectReplaysThroughCancelled() throws Exception {
    RecordingSink first = new RecordingSink();
    onContext(context, () -> service.start("alice", Requests.start(StreamServiceTest.request("s1", "slow")), first));
    Await.until("a token arrives", () -> first.kinds().contains(Kind.TOKEN));
    context.runOnContext(v -> service.disconnected("alice", first));
    first.finalEvent.get(5, TimeUnit.SECONDS);
    RecordingSink again = new RecordingSink();

    onContext(otherContext, () -> service.resume("alice", resume("s1", 0), again));

    assertThat(again.finalEvent.get(5, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Cancelled.class);
    assertThat(again.events).isEqualTo(first.events.subList(2, first.events.size()));
  }

  @Test
  void resumingWhileRunningContinuesLiveAndTheOldClientStops() throws Exception {
    RecordingSink first = new RecordingSink();
    onContext(context, () -> service.start("alice", Requests.start(StreamServiceTest.request("s1", "slow")), first));
    Await.until("the token at index 1 arrives", () -> indexes(first).contains(1L));
    RecordingSink second = new RecordingSink();

    Resumed resumed = onContext(otherContext, () -> service.resume("alice", resume("s1", 0), second));

    assertThat(resumed.live()).isTrue();
    assertThat(second.finalEvent.get(5, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Done.class);
    assertThat(indexes(second)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(second.finalCount()).isEqualTo(1);
    assertThat(first.finalCount()).isZero();
    assertThat(indexes(first)).doesNotContain(4L);
  }

  @Test
  void theOldClientLeavingAfterAResumeDoesNotCancel() throws Exception {
    RecordingSink first = new RecordingSink();
    onContext(context, () -> service.start("alice", Requests.start(StreamServiceTest.request("s1", "slow")), first));
    RecordingSink second = new RecordingSink();
    onContext(otherContext, () -> service.resume("alice", resume("s1", -1), second));

    context.runOnContext(v -> service.disconnected("alice", first));

    assertThat(second.finalEvent.get(5, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Done.class);
    assertThat(second.kinds()).containsExactly(Kind.STARTED, Kind.TOKEN, Kind.TOKEN, Kind.TOKEN, Kind.TOKEN,
        Kind.TOKEN, Kind.DONE);
  }

  /** Resumed at a random moment from another event loop: exactly everything, once, in order. */
  @RepeatedTest(20)
  void replayAndLiveNeitherOverlapNorLeaveAGap(RepetitionInfo repetition) throws Exception {
    RaceSeed seed = RaceSeed.of(repetition);
    ScriptedProvider many = new ScriptedProvider(vertx, "many", 1, () -> ScriptedProvider.tokens(40));
    StreamService racy = new StreamService(vertx, new ProviderRegistry().register(many),
        new LocalRateLimiter(1000, Duration.ofMinutes(1)), 8,
        StreamListener.NONE, store);
    RecordingSink first = new RecordingSink();
    onContext(context, () -> racy.start("alice", Requests.start(StreamServiceTest.request("s1", "many")), first));
    Thread.sleep(seed.pauseMillis(40));
    RecordingSink second = new RecordingSink();

    onContext(otherContext, () -> racy.resume("alice", resume("s1", -1), second));

    assertThat(second.finalEvent.get(5, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Done.class);
    Thread.sleep(20);
    assertThat(second.kinds().get(0)).as(seed.toString()).isEqualTo(Kind.STARTED);
    assertThat(indexes(second)).as(seed.toString())
        .isEqualTo(LongStream.range(0, 40).boxed().collect(Collectors.toList()));
    assertThat(second.finalCount()).as(seed.toString()).isEqualTo(1);
    assertThat(second.events).as(seed.toString()).hasSize(42);
  }

  @Test
  void anotherUserGetsNotFound() throws Exception {
    RecordingSink first = new RecordingSink();
    onContext(context, () -> service.start("alice", Requests.start(StreamServiceTest.request("s1", "slow")), first));
    finishedStream("alice", "s2");

    assertNotFound(() -> service.resume("mallory", resume("s1", -1), new RecordingSink()));
    assertNotFound(() -> service.resume("mallory", resume("s2", -1), new RecordingSink()));
    assertNotFound(() -> service.resume("alice", resume("never", -1), new RecordingSink()));
    first.finalEvent.get(5, TimeUnit.SECONDS);
    assertThat(first.finalCount()).isEqualTo(1);
  }

  @Test
  void anEndedStreamExpiresAfterTheWindow() throws Exception {
    finishedStream("alice", "s1");
    clock.addAndGet(Duration.ofMinutes(5).toNanos() - 1);
    assertThat((Resumed) onContext(context, () -> service.resume("alice", resume("s1", 4), new RecordingSink())))
        .isNotNull();

    clock.addAndGet(1);

    assertNotFound(() -> service.resume("alice", resume("s1", 4), new RecordingSink()));
    assertThat(store.streams()).isZero();
    assertThat(store.events()).isZero();
  }

  @Test
  void invalidPayloadsAreInvalidRequests() {
    assertInvalid(new JsonObject().put("lastIndex", 1), "sessionId: missing");
    assertInvalid(new JsonObject().put("sessionId", "s1").put("lastIndex", -2), "lastIndex: -2 (expected: an integer >= -1)");
    assertInvalid(new JsonObject().put("sessionId", "s1").put("lastIndex", "3"), "lastIndex: \"3\"");
    assertInvalid(new JsonObject().put("sessionId", "s1").put("lastIndex", 1.5), "lastIndex: 1.5");
    assertInvalid("s1", "request: \"s1\" (expected: an object)");
  }

  @Test
  void resumeMessagesCountAgainstTheRateLimit() throws Exception {
    StreamService strict = new StreamService(vertx, new ProviderRegistry().register(fast),
        new LocalRateLimiter(1, Duration.ofMinutes(1)), 8,
        StreamListener.NONE, store);
    assertNotFound(() -> strict.resume("alice", resume("s1", -1), new RecordingSink()));

    assertThatThrownBy(() -> onContext(context, () -> strict.resume("alice", resume("s1", -1), new RecordingSink())))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
  }

  private void finishedStream(String user, String sessionId) throws Exception {
    RecordingSink sink = new RecordingSink();
    onContext(context, () -> service.start(user, Requests.start(StreamServiceTest.request(sessionId, "fast")), sink));
    sink.finalEvent.get(5, TimeUnit.SECONDS);
  }

  private void assertInvalid(Object payload, String messageStart) {
    assertThatThrownBy(() -> onContext(context, () -> service.resume("alice", Requests.resume(payload), new RecordingSink())))
        .isInstanceOfSatisfying(GatewayException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageStartingWith(messageStart);
  }

  private void assertNotFound(Supplier<Future<Resumed>> resume) {
    assertThatThrownBy(() -> onContext(context, resume))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  static Future<ResumeRequest> resume(String sessionId, long lastIndex) {
    return Requests.resume(sessionId, lastIndex);
  }

  static List<Long> indexes(RecordingSink sink) {
    return sink.events.stream().filter(e -> e instanceof StreamEvent.Token)
        .map(e -> ((StreamEvent.Token) e).index()).collect(Collectors.toList());
  }
}
