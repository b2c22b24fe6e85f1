package io.llmgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.RetrySettings;
import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.FakeUpstream.Chunking;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Role;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.ToolChoice;
import io.llmgate.stream.ToolDefinition;
import io.llmgate.stream.ToolUse;
import io.llmgate.stream.Usage;
import io.llmgate.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every remote provider must do, proven against a {@link FakeUpstream} that replays the recorded
 * fixtures byte for byte (LangChain4j's {@code AbstractStreamingChatModelIT}, at the socket). A
 * subclass names its provider, its fixtures and what its request must look like.
 */
public abstract class AbstractProviderContractTest {
  protected static Vertx vertx;
  protected HttpUpstream http;
  protected FakeUpstream upstream;

  /** For the few provider-specific retry checks (a hint over the limit, a permanent 429): fast, same policy. */
  protected static final RetrySettings FAST_RETRY =
      new RetrySettings(3, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(5));

  /** One recorded stream and what it must decode to. */
  public record StreamFixture(String file, String model, List<String> texts, List<String> reasonings,
      FinishReason finish, Optional<Usage> usage) {}

  /** A stream with tool calls and the calls it must assemble to; an absent id is one the provider never sends. */
  public record ToolFixture(byte[] body, List<Call> calls, FinishReason finish) {
    public static ToolFixture of(String file, FinishReason finish, Call... calls) {
      return new ToolFixture(Fixtures.bytes(file), List.of(calls), finish);
    }
  }

  /** One assembled call: the id and name its first fragment carried, and its fragments' arguments joined. */
  public record Call(Optional<String> id, String name, String arguments) {}

  /** One HTTP error body and the code it must map to. */
  public record ErrorCase(int status, String file, ErrorCode code, boolean retryable) {}

  protected abstract String name();

  /** The provider under test pointed at {@code baseUrl}, without retries. */
  protected abstract ChatProvider provider(String baseUrl, UpstreamTimeouts timeouts);

  /** The path and query the provider must POST to for {@code model}. */
  protected abstract String expectedUri(String model);

  /** Asserts the auth headers and the body mapping of {@link #request()}. */
  protected abstract void assertRequestMapping(Recorded request);

  protected abstract StreamFixture textStream();

  /** A stream with reasoning deltas, when the provider has a recording of one. */
  protected abstract Optional<StreamFixture> reasoningStream();

  protected abstract List<ErrorCase> errorCases();

  /** A recorded (or, where none exists, reconstructed) stream with tool calls. */
  protected abstract ToolFixture toolCallStream();

  /**
   * Asserts the provider's form of {@link #toolRequest()}: a tool with a schema, a named tool choice with
   * parallel calls off, an assistant turn that called it, and the call's result.
   */
  protected abstract void assertToolRequestMapping(JsonObject body);

  /** A recorded or synthetic 200 stream that fails mid-way, and the code it must map to. */
  protected abstract Optional<ErrorCase> midStreamError();

  /** One well-formed frame carrying {@code text}, in the provider's framing (for endless streams). */
  protected abstract byte[] textFrame(String text);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  /** HTTP/1.1 unless a subclass runs the contract on HTTP/2 ({@code providers.http2}). */
  protected boolean http2() {
    return false;
  }

  @BeforeEach
  void startClient() {
    http = HttpUpstream.create(vertx, 64, http2());
  }

  @AfterEach
  void stopClient() {
    http.close();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void startUpstream() {
    upstream = FakeUpstream.start(vertx);
  }

  @AfterEach
  void stopUpstream() {
    upstream.close();
  }

  protected ChatProvider provider() {
    return provider(upstream.baseUrl(), UpstreamTimeouts.DEFAULT);
  }

  protected ChatRequest request() {
    return new ChatRequest("session-1", name(),
        List.of(new ChatMessage(Role.USER, "What is the capital of France?")),
        Optional.empty(), Optional.of("Answer briefly."), OptionalDouble.of(0.5), OptionalInt.of(64), List.of(), Map.of());
  }

  public static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

  protected ChatRequest toolRequest() {
    return new ChatRequest("session-1", name(), List.of(
        new ChatMessage(Role.USER, "Weather in Paris?"),
        ChatMessage.toolCalls("", List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))),
        ChatMessage.toolResult("call_1", "{\"celsius\":18}")),
        Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), List.of(), Map.of(), GenerationOptions.DEFAULT,
        new ToolUse(List.of(new ToolDefinition("get_weather", Optional.of("Current weather"), WEATHER_SCHEMA)),
            Optional.of(ToolChoice.function("get_weather")), Optional.of(false)));
  }

  protected Recorder stream(ChatProvider provider) {
    return Recorder.open(vertx, provider, request());
  }

  // ---- streaming -------------------------------------------------------------------------------

  @Test
  void streamsEveryTokenInOrderThenUsageThenFinish() {
    StreamFixture fixture = textStream();
    upstream.enqueue(Reply.stream(Fixtures.bytes(fixture.file())));
    Recorder recorder = stream(provider()).awaitEnd();
    assertDecodes(recorder, fixture);
  }

  @Test
  void aFinishedStreamIsNotKeptAliveByItsPooledConnection() {
    upstream.enqueue(Reply.stream(Fixtures.bytes(textStream().file())));
    WeakReference<Recorder> finished = new WeakReference<>(stream(provider()).awaitEnd());
    // The connection idles in the keep-alive pool for a minute; the stream (and in the gateway the client
    // session behind it) must be garbage long before.
    Await.until("the finished stream is collected", () -> {
      System.gc();
      return finished.get() == null;
    });
  }

  @Test
  void mapsTheRequest() {
    upstream.enqueue(Reply.stream(Fixtures.bytes(textStream().file())));
    stream(provider()).awaitEnd();
    Recorded request = upstream.takeRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.uri()).isEqualTo(expectedUri(provider().defaultModel()));
    assertThat(request.headers().get("content-type")).startsWith("application/json");
    assertThat(request.headers().get("accept-encoding")).as("no gzip on the event stream").isNull();
    assertRequestMapping(request);
  }

  @ParameterizedTest
  @EnumSource(value = Chunking.class, names = {"FRAMES", "RANDOM_1_TO_7", "SINGLE_BYTES"})
  void decodesTheSameWhateverTheNetworkChunking(Chunking chunking) {
    StreamFixture fixture = textStream();
    upstream.enqueue(Reply.stream(Fixtures.bytes(fixture.file())).chunking(chunking, 0));
    upstream.enqueue(Reply.stream(Fixtures.bytes(fixture.file())));
    List<UpstreamEvent> chunked = stream(provider()).awaitEnd().snapshot();
    List<UpstreamEvent> whole = stream(provider()).awaitEnd().snapshot();
    assertThat(chunked).isEqualTo(whole);
  }

  @Test
  void decodesTinyWritesArrivingOneByOne() {
    StreamFixture fixture = textStream();
    byte[] bytes = Fixtures.bytes(fixture.file());
    // A timer per write costs over a millisecond: the 67 KB DeepSeek recording gets back-to-back writes.
    upstream.enqueue(Reply.stream(bytes).chunking(Chunking.RANDOM_1_TO_7, bytes.length > 16_384 ? 0 : 1));
    assertDecodes(stream(provider()).awaitEnd(), fixture);
  }

  @Test
  void streamsReasoningAsReasoningEvents() {
    Optional<StreamFixture> fixture = reasoningStream();
    if (fixture.isEmpty()) {
      return; // this provider has no recording with reasoning
    }
    upstream.enqueue(Reply.stream(Fixtures.bytes(fixture.get().file())).chunking(Chunking.RANDOM_1_TO_7, 0));
    assertDecodes(stream(provider()).awaitEnd(), fixture.get());
  }

  private void assertDecodes(Recorder recorder, StreamFixture fixture) {
    List<UpstreamEvent> events = recorder.snapshot();
    assertThat(events.get(0)).isEqualTo(new UpstreamEvent.Opened(name(), fixture.model()));
    assertThat(recorder.texts()).containsExactlyElementsOf(fixture.texts());
    assertThat(recorder.reasonings()).containsExactlyElementsOf(fixture.reasonings());
    assertThat(events.get(events.size() - 1)).isEqualTo(new UpstreamEvent.Finished(fixture.finish()));
    List<UpstreamEvent.UsageReport> usage = recorder.ofKind(UpstreamEvent.UsageReport.class);
    assertThat(usage.stream().map(UpstreamEvent.UsageReport::usage).findFirst()).isEqualTo(fixture.usage());
    if (fixture.usage().isPresent()) {
      assertThat(events.get(events.size() - 2)).as("usage right before the finish").isEqualTo(usage.get(0));
    }
    assertThat(recorder.ofKind(UpstreamEvent.Opened.class)).hasSize(1);
    assertThat(recorder.afterEnd()).isZero();
  }

  // ---- tools ---------------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = Chunking.class, names = {"FRAMES", "SINGLE_BYTES"})
  void assemblesToolCallsByTheirIndexWhateverTheNetworkChunking(Chunking chunking) {
    ToolFixture fixture = toolCallStream();
    upstream.enqueue(Reply.stream(fixture.body()).chunking(chunking, 0));
    Recorder recorder = stream(provider()).awaitEnd();
    assertThat(calls(recorder)).containsExactlyElementsOf(fixture.calls());
    List<UpstreamEvent> events = recorder.snapshot();
    assertThat(events.get(events.size() - 1)).isEqualTo(new UpstreamEvent.Finished(fixture.finish()));
  }

  @Test
  void mapsToolsTheToolChoiceAndAToolRoundTrip() {
    upstream.enqueue(Reply.stream(Fixtures.bytes(textStream().file())));
    Recorder.open(vertx, provider(), toolRequest()).awaitEnd();
    assertToolRequestMapping(upstream.takeRequest().json());
  }

  /**
   * The calls as a client assembles them: a call begins with the fragment that names it, at the next
   * index; the others add arguments to the call of their index.
   */
  private static List<Call> calls(Recorder recorder) {
    List<Call> calls = new java.util.ArrayList<>();
    for (UpstreamEvent.ToolCallDelta delta : recorder.ofKind(UpstreamEvent.ToolCallDelta.class)) {
      if (delta.callIndex() == calls.size()) {
        assertThat(delta.name()).as("call %d's first fragment names it", delta.callIndex()).isPresent();
        calls.add(new Call(delta.id(), delta.name().get(), delta.argumentsDelta()));
      } else {
        Call call = calls.get(delta.callIndex());
        calls.set(delta.callIndex(), new Call(call.id(), call.name(), call.arguments() + delta.argumentsDelta()));
      }
    }
    return calls;
  }

  /** A cut after some deltas and before the end marker: all frames but the last two. */
  protected static int midStream(byte[] fixture) {
    return Fixtures.lengthOfFrames(fixture, Fixtures.frameCount(fixture) - 2);
  }

  // ---- truncation and faults ---------------------------------------------------------------------

  @Test
  void closeWithoutEndMarkerIsATruncationNeverAFinish() {
    byte[] bytes = Fixtures.bytes(textStream().file());
    upstream.enqueue(Reply.stream(bytes).endAfter(Fixtures.lengthOfFrames(bytes, 2)));
    Recorder recorder = stream(provider());
    GatewayException failure = recorder.awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_TRUNCATED);
    assertThat(failure.getMessage()).startsWith(name() + ":").contains("end marker");
    assertThat(recorder.ofKind(UpstreamEvent.Finished.class)).isEmpty();
  }

  @Test
  void connectionResetMidBodyIsAnError() {
    byte[] bytes = Fixtures.bytes(textStream().file());
    upstream.enqueue(Reply.stream(bytes).resetAfter(Fixtures.lengthOfFrames(bytes, 2) + 7));
    Recorder recorder = stream(provider());
    GatewayException failure = recorder.awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
    assertThat(recorder.ofKind(UpstreamEvent.Finished.class)).isEmpty();
  }

  @Test
  void malformedFrameIsAnErrorThatNamesTheFrame() {
    upstream.enqueue(Reply.stream("data: {\"not json\n\n".getBytes()).keepAliveEvery(1000));
    GatewayException failure = stream(provider()).awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
    assertThat(failure.getMessage()).contains("malformed frame").contains("{\"not json");
    upstream.takeRequest().awaitClosed();
  }

  // ---- errors --------------------------------------------------------------------------------------

  @Test
  void mapsHttpErrorsThroughTheTable() {
    for (ErrorCase error : errorCases()) {
      upstream.enqueue(Reply.status(error.status()).body(Fixtures.bytes(error.file())));
      GatewayException failure = stream(provider()).awaitFailure();
      assertThat(failure.code()).as(error.file()).isEqualTo(error.code());
      assertThat(failure.retryable()).as(error.file()).isEqualTo(error.retryable());
      assertThat(failure.getMessage()).as(error.file()).startsWith(name() + ": HTTP " + error.status());
    }
  }

  @Test
  void neverEchoesTheApiKey() {
    upstream.enqueue(Reply.status(401).body("{\"error\":{\"message\":\"bad key " + TestKeys.KEY + "\"}}"));
    GatewayException failure = stream(provider()).awaitFailure();
    assertThat(failure.getMessage()).doesNotContain(TestKeys.KEY).contains("***");
  }

  @Test
  void mapsAnErrorInsideTheStream() {
    Optional<ErrorCase> error = midStreamError();
    if (error.isEmpty()) {
      return;
    }
    upstream.enqueue(Reply.stream(Fixtures.bytes(error.get().file())));
    Recorder recorder = stream(provider());
    GatewayException failure = recorder.awaitFailure();
    assertThat(failure.code()).isEqualTo(error.get().code());
    assertThat(failure.retryable()).isEqualTo(error.get().retryable());
    assertThat(recorder.deltas()).isPositive();
    assertThat(recorder.ofKind(UpstreamEvent.Finished.class)).isEmpty();
  }

  @Test
  void unreachableUpstreamIsRetryableUnavailable() {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    GatewayException failure = stream(provider("http://127.0.0.1:" + closedPort, UpstreamTimeouts.DEFAULT)).awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    assertThat(failure.retryable()).isTrue();
    assertThat(failure.getMessage()).contains("cannot connect to 127.0.0.1:" + closedPort);
  }

  // ---- retry hints (retries and fallback themselves: resilience/FailoverTest) ---------------

  @Test
  void aRateLimitCarriesItsRetryAfter() {
    upstream.enqueue(Reply.status(429).header("retry-after", "7").body("{\"error\":{\"message\":\"slow down\"}}"));
    GatewayException failure = stream(provider()).awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_RATE_LIMITED);
    assertThat(failure.retryable()).isTrue();
    assertThat(failure.retryAfter()).contains(Duration.ofSeconds(7));
  }

  // ---- cancel --------------------------------------------------------------------------------------

  @Test
  void cancelWhileConnectingSendsNothingAndClosesTheConnection() throws Exception {
    try (FullBacklogListener listener = new FullBacklogListener()) {
      Recorder recorder = stream(provider(listener.baseUrl(), UpstreamTimeouts.DEFAULT));
      Thread.sleep(150); // the SYN has been sent and dropped: the client is connecting
      long cancelledAt = recorder.cancel();
      listener.release();
      if (http2()) {
        // The connection is the pool's, for other streams: it stays, and carries no HEADERS (type 1) of this one.
        assertThat(listener.awaitHttp2FrameTypes(500)).as("frames sent after the preface").isNotEmpty()
            .doesNotContain(1);
        assertNothingAfterCancel(recorder);
        return;
      }
      FullBacklogListener.ClientConnection connection = listener.awaitClientConnection();
      report("connecting", "connect completed " + ms(connection.connectedAt() - cancelledAt)
          + " ms after cancel (kernel SYN retry); client closed it " + ms(connection.closedAt() - connection.connectedAt())
          + " ms after accept, having sent " + connection.bytesSent() + " bytes");
      assertThat(connection.bytesSent()).as("no request bytes reach the upstream").isZero();
      assertNothingAfterCancel(recorder);
    }
  }

  @Test
  void cancelWhileWaitingForHeadersClosesTheConnection() {
    upstream.enqueue(Reply.stream(new byte[0]).stallBeforeHeaders());
    Recorder recorder = stream(provider());
    Recorded request = upstream.takeRequest();
    assertCancelCloses("waiting for headers", recorder, request);
  }

  @Test
  void cancelBeforeTheFirstTokenClosesTheConnection() throws InterruptedException {
    upstream.enqueue(Reply.stream(": keep-alive\n\n".getBytes()).keepAliveEvery(20));
    Recorder recorder = stream(provider());
    Recorded request = upstream.takeRequest();
    Thread.sleep(100); // headers and a few keep-alive comments have arrived, no frame
    assertThat(recorder.snapshot()).isEmpty();
    assertCancelCloses("before first token", recorder, request);
  }

  @Test
  void cancelMidStreamClosesTheConnection() {
    byte[] bytes = Fixtures.bytes(textStream().file());
    upstream.enqueue(Reply.stream(bytes).stallAfter(midStream(bytes)));
    Recorder recorder = stream(provider());
    Recorded request = upstream.takeRequest();
    Await.until("a delta arrives", () -> recorder.deltas() > 0);
    assertCancelCloses("mid-stream", recorder, request);
  }

  private void assertCancelCloses(String phase, Recorder recorder, Recorded request) {
    long cancelledAt = recorder.cancel();
    long closedAt = request.awaitClosed();
    report(phase, "upstream saw the connection close " + ms(closedAt - cancelledAt) + " ms after cancel()");
    assertNothingAfterCancel(recorder);
  }

  private void assertNothingAfterCancel(Recorder recorder) {
    int before = recorder.snapshot().size();
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(recorder.snapshot()).hasSize(before);
    assertThat(recorder.isOver()).as("no end and no failure after cancel").isFalse();
  }

  private void report(String phase, String what) {
    System.out.println("CANCEL-TIMING " + name() + " [" + phase + "]: " + what);
  }

  private static String ms(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1_000_000.0);
  }

  // ---- timeouts and backpressure -------------------------------------------------------------------

  @Test
  void keepAliveCommentsDoNotResetTheFirstTokenTimeout() {
    upstream.enqueue(Reply.stream(": keep-alive\n\n".getBytes()).keepAliveEvery(30));
    UpstreamTimeouts tight = new UpstreamTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5));
    GatewayException failure = stream(provider(upstream.baseUrl(), tight)).awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
    assertThat(failure.getMessage()).contains("no first token within 300 ms").contains("timeouts.first-token");
    upstream.takeRequest().awaitClosed();
  }

  @Test
  void stallBetweenFramesHitsTheIdleTimeout() {
    byte[] bytes = Fixtures.bytes(textStream().file());
    upstream.enqueue(Reply.stream(bytes).stallAfter(midStream(bytes)));
    UpstreamTimeouts tight = new UpstreamTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300));
    Recorder recorder = stream(provider(upstream.baseUrl(), tight));
    GatewayException failure = recorder.awaitFailure();
    assertThat(failure.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
    assertThat(failure.getMessage()).contains("no frame within 300 ms");
    assertThat(recorder.deltas()).isPositive();
    upstream.takeRequest().awaitClosed();
  }

  @Test
  void pauseStopsReadingTheUpstreamBody() throws InterruptedException {
    upstream.enqueue(Reply.stream(new byte[0]).endless(i -> textFrame("token " + i + " " + "x".repeat(200))));
    UpstreamTimeouts tight = new UpstreamTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300));
    Recorder recorder = stream(provider(upstream.baseUrl(), tight));
    Recorded request = upstream.takeRequest();
    Await.until("tokens flow", () -> recorder.texts().size() > 10);
    recorder.pause();
    long pausedAt = System.nanoTime();
    long writtenAtPause = request.bytesWritten().get();
    long blockedAt = Await.stable("the upstream blocked while the reader is paused", request.bytesWritten()::get,
        Duration.ofMillis(300), Duration.ofSeconds(10));
    int whilePaused = recorder.snapshot().size();
    long writtenWhilePaused = request.bytesWritten().get();
    Thread.sleep(400); // longer than the idle timeout: a paused reader is not an idle upstream
    assertThat(recorder.snapshot()).as("nothing is delivered while paused").hasSize(whilePaused);
    assertThat(request.bytesWritten().get()).as("the upstream cannot write more while we do not read")
        .isEqualTo(writtenWhilePaused);
    assertThat(recorder.isOver()).isFalse();
    System.out.println("BACKPRESSURE " + name() + ": after pause() the upstream wrote "
        + (writtenWhilePaused - writtenAtPause) + " more bytes (socket buffers) and was blocked "
        + ms(blockedAt - pausedAt) + " ms later");
    recorder.resume();
    Await.until("tokens flow again", () -> recorder.snapshot().size() > whilePaused + 100);
    recorder.cancel();
    request.awaitClosed();
  }

}
