package io.llmgate.session;

import static io.llmgate.session.ResumeTest.indexes;
import static io.llmgate.session.ResumeTest.resume;
import static io.llmgate.testing.OnContext.onContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.provider.ProviderRegistry;
import io.llmgate.ratelimit.LocalRateLimiter;
import io.llmgate.stream.Resumed;
import io.llmgate.stream.StreamEvent.Kind;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.testing.Await;
import io.llmgate.testing.RecordingSink;
import io.llmgate.testing.Requests;
import io.llmgate.testing.ScriptedProvider;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** A stream outlives its client's disconnect for the grace period, and every race around that. */
class DisconnectGraceTest {
  private static final int TOKENS = 8;

  private Vertx vertx;
  private Context context;
  private Context otherContext;
  private ScriptedProvider slow;
  private ScriptedProvider fast;
  private final List<String> heard = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    otherContext = vertx.getOrCreateContext();
    slow = new ScriptedProvider(vertx, "slow", 60, () -> ScriptedProvider.tokens(TOKENS));
    fast = new ScriptedProvider(vertx, "fast", 1, () -> ScriptedProvider.tokens(TOKENS));
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private StreamService service(Duration grace, int maxEventsPerStream) {
    StreamListener listener = new StreamListener() {
      @Override
      public void detached(StreamInfo stream) {
        heard.add("detached");
      }

      @Override
      public void resumed(StreamInfo stream, boolean fromDetached, long latencyNanos) {
        heard.add(fromDetached ? "resumed-detached" : "resumed-live");
      }

      @Override
      public void expired(StreamInfo stream, long detachedNanos) {
        heard.add("expired");
      }
    };
    return new StreamService(vertx, new ProviderRegistry().register(slow).register(fast),
        new LocalRateLimiter(10_000, Duration.ofMinutes(1)), new InMemoryStreamRegistry(8), listener,
        new InMemoryReplayStore(Duration.ofMinutes(5), maxEventsPerStream, 100_000), grace);
  }

  private RecordingSink startAndDetachAfter(StreamService service, JsonObject request, int tokensSeen)
      throws Exception {
    RecordingSink phone = new RecordingSink();
    onContext(context, () -> service.start("alice", Requests.start(request), phone));
    Await.until("the phone saw its tokens", () -> indexes(phone).size() >= tokensSeen);
    context.runOnContext(v -> service.disconnected("alice", phone));
    return phone;
  }

  @Test
  void aResumeWithinTheGraceContinuesTheStreamLiveWithEveryIndexOnce() throws Exception {
    StreamService service = service(Duration.ofSeconds(30), 100);
    RecordingSink phone = startAndDetachAfter(service, StreamServiceTest.request("s1", "slow"), 2);
    Await.until("the stream is detached", () -> heard.contains("detached"));
    long lastSeen = indexes(phone).get(indexes(phone).size() - 1);
    RecordingSink laptop = new RecordingSink();

    Resumed resumed = onContext(otherContext, () -> service.resume("alice", resume("s1", lastSeen), laptop));

    assertThat(resumed.live()).isTrue();
    StreamEvent.Done done = (StreamEvent.Done) laptop.finalEvent.get(10, TimeUnit.SECONDS);
    assertThat(done.tokenCount()).isEqualTo(TOKENS);
    assertThat(indexes(laptop)).isEqualTo(LongStream.range(lastSeen + 1, TOKENS).boxed().toList());
    assertThat(laptop.finalCount()).isEqualTo(1);
    assertThat(phone.finalCount()).as("the gone client is sent nothing more").isZero();
    assertThat(slow.opened.get(0).isCancelled()).isFalse();
    assertThat(heard).containsExactly("detached", "resumed-detached");
  }

  @Test
  void nobodyResumingAbortsTheUpstreamAndTheKeptLogEndsWithCancelledDisconnected() throws Exception {
    StreamService service = service(Duration.ofMillis(150), 100);
    startAndDetachAfter(service, StreamServiceTest.request("s1", "slow"), 1);

    slow.opened.get(0).awaitCancelled(Duration.ofSeconds(10));
    Await.until("no stream is active", () -> service.activeStreams() == 0);
    RecordingSink late = new RecordingSink();
    Resumed resumed = onContext(context, () -> service.resume("alice", resume("s1", 0), late));

    assertThat(resumed.live()).isFalse();
    StreamEvent.Cancelled cancelled = (StreamEvent.Cancelled) late.finalEvent.get(10, TimeUnit.SECONDS);
    assertThat(cancelled.reason()).isEqualTo(StreamEvent.CancelReason.DISCONNECTED);
    assertThat(late.events.get(late.events.size() - 1).kind()).isEqualTo(Kind.CANCELLED);
    assertThat(heard).containsExactly("detached", "expired");
  }

  @Test
  void aRequestMayAskForLessGraceButNotMore() throws Exception {
    StreamService shortGrace = service(Duration.ofMillis(100), 100);
    startAndDetachAfter(shortGrace, StreamServiceTest.request("more", "slow").put("resumeGraceMs", 600_000), 1);
    slow.opened.get(0).awaitCancelled(Duration.ofSeconds(10));

    StreamService longGrace = service(Duration.ofMinutes(10), 100);
    startAndDetachAfter(longGrace, StreamServiceTest.request("less", "slow").put("resumeGraceMs", 100), 1);
    slow.opened.get(1).awaitCancelled(Duration.ofSeconds(10));
  }

  @Test
  void aRequestAskingForNoGraceIsCancelledAtOnceWithReasonDisconnected() throws Exception {
    StreamService service = service(Duration.ofMinutes(10), 100);
    RecordingSink phone = startAndDetachAfter(service,
        StreamServiceTest.request("s1", "slow").put("resumeGraceMs", 0), 1);

    StreamEvent.Cancelled cancelled = (StreamEvent.Cancelled) phone.finalEvent.get(10, TimeUnit.SECONDS);
    assertThat(cancelled.reason()).isEqualTo(StreamEvent.CancelReason.DISCONNECTED);
    slow.opened.get(0).awaitCancelled(Duration.ofSeconds(10));
    assertThat(heard).isEmpty();
  }

  @Test
  void aNegativeOrFractionalResumeGraceIsAnInvalidRequest() {
    StreamService service = service(Duration.ofSeconds(30), 100);
    for (Object bad : List.of(-1, 1.5, "100")) {
      assertThatThrownBy(() -> onContext(context, () -> service.start("alice",
          Requests.start(StreamServiceTest.request("bad", "slow").put("resumeGraceMs", bad)), new RecordingSink())))
          .hasStackTraceContaining("resumeGraceMs: ");
    }
    assertThat(slow.opened).isEmpty();
  }

  @Test
  void anExplicitCancelOfADetachedStreamStopsTheUpstreamAtOnce() throws Exception {
    StreamService service = service(Duration.ofMinutes(10), 100);
    startAndDetachAfter(service, StreamServiceTest.request("s1", "slow"), 1);
    Await.until("the stream is detached", () -> heard.contains("detached"));

    boolean stopped = onContext(otherContext, () -> service.cancel("alice", Requests.cancel("s1")));

    assertThat(stopped).isTrue();
    slow.opened.get(0).awaitCancelled(Duration.ofSeconds(10));
    RecordingSink late = new RecordingSink();
    onContext(context, () -> service.resume("alice", resume("s1", 0), late));
    assertThat(((StreamEvent.Cancelled) late.finalEvent.get(10, TimeUnit.SECONDS)).reason())
        .isEqualTo(StreamEvent.CancelReason.CLIENT);
  }

  @Test
  void aClientThatCannotResumeIsCancelledAtOnceWhateverTheGrace() throws Exception {
    StreamService service = service(Duration.ofMinutes(10), 100);
    RecordingSink api = new RecordingSink();
    onContext(context, () -> service.start("alice", Requests.start(StreamServiceTest.request("s1", "slow")), api));
    Await.until("the API client gets a token", () -> !indexes(api).isEmpty());

    context.runOnContext(v -> service.abandoned("alice", api));

    slow.opened.get(0).awaitCancelled(Duration.ofSeconds(10));
    assertThat(heard).isEmpty();
  }

  @Test
  void aDetachedStreamPausesItsUpstreamWhenItsLogIsFullAndAResumeLetsItFinish() throws Exception {
    ScriptedProvider many = new ScriptedProvider(vertx, "many", 5, () -> ScriptedProvider.tokens(60));
    StreamService service = new StreamService(vertx, new ProviderRegistry().register(many),
        new LocalRateLimiter(10_000, Duration.ofMinutes(1)), new InMemoryStreamRegistry(8), StreamListener.NONE,
        new InMemoryReplayStore(Duration.ofMinutes(5), 3, 100_000), Duration.ofMinutes(10));
    RecordingSink phone = startAndDetachAfter(service, StreamServiceTest.request("s1", "many"), 1);

    many.opened.get(0).awaitPaused(Duration.ofSeconds(10));
    int sentWhilePaused = many.opened.get(0).sentAtNanos().size();
    Thread.sleep(100);
    assertThat(many.opened.get(0).sentAtNanos()).as("the upstream read stays paused").hasSize(sentWhilePaused);
    assertThat(many.opened.get(0).isCancelled()).isFalse();
    assertThat(service.activeStreams()).isEqualTo(1);
    long lastSeen = indexes(phone).get(indexes(phone).size() - 1);
    RecordingSink laptop = new RecordingSink();

    onContext(otherContext, () -> service.resume("alice", resume("s1", lastSeen), laptop));

    assertThat(laptop.finalEvent.get(10, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Done.class);
    assertThat(indexes(laptop)).isEqualTo(LongStream.range(lastSeen + 1, 60).boxed().toList());
  }

  @RepeatedTest(20)
  void aResumeRacingAnExplicitCancelEndsOnceWithCancelledAndNoIndexRepeated() throws Exception {
    StreamService service = service(Duration.ofMinutes(10), 100);
    RecordingSink phone = startAndDetachAfter(service, StreamServiceTest.request("s1", "slow"), 1);
    Await.until("the stream is detached", () -> heard.contains("detached"));
    long lastSeen = indexes(phone).get(indexes(phone).size() - 1);
    RecordingSink laptop = new RecordingSink();

    otherContext.runOnContext(v -> service.resume("alice", resume("s1", lastSeen), laptop));
    context.runOnContext(v -> service.cancel("alice", Requests.cancel("s1")));

    StreamEvent end = laptop.finalEvent.get(10, TimeUnit.SECONDS);
    assertThat(end).isInstanceOf(StreamEvent.Cancelled.class);
    assertThat(((StreamEvent.Cancelled) end).reason()).isEqualTo(StreamEvent.CancelReason.CLIENT);
    slow.opened.get(0).awaitCancelled(Duration.ofSeconds(10));
    List<Long> seen = indexes(laptop);
    assertThat(seen).isEqualTo(LongStream.range(lastSeen + 1, lastSeen + 1 + seen.size()).boxed().toList());
    Thread.sleep(50);
    assertThat(laptop.finalCount()).isEqualTo(1);
  }

  @RepeatedTest(20)
  void twoResumersAtOnceNeverSeeAnIndexTwiceAndTheStreamEndsOnce() throws Exception {
    StreamService service = service(Duration.ofMinutes(10), 100);
    startAndDetachAfter(service, StreamServiceTest.request("s1", "fast"), 2);
    RecordingSink first = new RecordingSink();
    RecordingSink second = new RecordingSink();

    context.runOnContext(v -> service.resume("alice", resume("s1", 1), first));
    otherContext.runOnContext(v -> service.resume("alice", resume("s1", 1), second));

    Await.until("one of the two clients gets the end", () -> first.finalCount() + second.finalCount() >= 1);
    Await.until("no stream is active", () -> service.activeStreams() == 0);
    for (RecordingSink sink : List.of(first, second)) {
      List<Long> seen = indexes(sink);
      assertThat(seen).as("increasing, no repeats").isSorted().doesNotHaveDuplicates();
      assertThat(sink.finalCount()).isLessThanOrEqualTo(1);
    }
    RecordingSink winner = first.finalCount() == 1 ? first : second;
    if (winner.finalEvent.get() instanceof StreamEvent.Done) {
      assertThat(indexes(winner)).endsWith((long) TOKENS - 1);
    }
  }

  @RepeatedTest(20)
  void aResumeRacingTheGraceExpiryEitherContinuesLiveOrReplaysThroughCancelled() throws Exception {
    StreamService service = service(Duration.ofMillis(20), 100);
    RecordingSink phone = startAndDetachAfter(service, StreamServiceTest.request("s1", "slow"), 1);
    long lastSeen = indexes(phone).get(indexes(phone).size() - 1);
    RecordingSink laptop = new RecordingSink();

    vertx.setTimer(20, t -> otherContext.runOnContext(v -> service.resume("alice", resume("s1", lastSeen), laptop)));

    StreamEvent end = laptop.finalEvent.get(10, TimeUnit.SECONDS);
    assertThat(laptop.finalCount()).isEqualTo(1);
    List<Long> seen = indexes(laptop);
    assertThat(seen).isEqualTo(LongStream.range(lastSeen + 1, lastSeen + 1 + seen.size()).boxed().toList());
    if (end instanceof StreamEvent.Cancelled cancelled) {
      assertThat(cancelled.reason()).isEqualTo(StreamEvent.CancelReason.DISCONNECTED);
      slow.opened.get(0).awaitCancelled(Duration.ofSeconds(10));
    } else {
      assertThat(end).isInstanceOf(StreamEvent.Done.class);
      assertThat(seen).endsWith((long) TOKENS - 1);
    }
  }

  @RepeatedTest(20)
  void aResumeRacingTheFinalEventGetsTheRestOnceAndOneFinalEvent() throws Exception {
    StreamService service = service(Duration.ofMinutes(10), 100);
    RecordingSink phone = startAndDetachAfter(service, StreamServiceTest.request("s1", "fast"), 1);
    long lastSeen = indexes(phone).get(0);
    RecordingSink laptop = new RecordingSink();

    otherContext.runOnContext(v -> service.resume("alice", resume("s1", lastSeen), laptop));

    assertThat(laptop.finalEvent.get(10, TimeUnit.SECONDS)).isInstanceOf(StreamEvent.Done.class);
    Await.until("the laptop gets the end", () -> laptop.finalCount() == 1);
    assertThat(indexes(laptop)).isEqualTo(LongStream.range(lastSeen + 1, TOKENS).boxed().toList());
  }
}
