package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Chunking;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.Recorder;
import io.llmgate.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On HTTP/2 ({@code providers.http2}) the streams of one event loop share its connections to the provider:
 * a burst opens none while the open ones have free stream slots, and before any is open only as many as it
 * fills; streams beyond the server's limit get another connection rather than a wait; a stream waiting for
 * a connection in its handshake can be cancelled, and goes on its own if that connection fails; a paused
 * stream holds back no other, and a cancel resets its own stream only, the others streaming on to the end.
 */
class Http2UpstreamTest extends FakeUpstreamTest {
  private static final String STREAM = "ollama/synthetic/chat-stream.ndjson";
  private static final String TEXT = "The sky is blue because of Rayleigh scattering.";
  private static final int MAX_CONNECTIONS = 8;
  private static final Duration CONNECT = UpstreamTimeouts.DEFAULT_CONNECT;

  private HttpUpstream http2;
  private Context loop;

  @BeforeEach
  void http2Client() {
    http2 = HttpUpstream.create(vertx, MAX_CONNECTIONS, true);
    loop = vertx.getOrCreateContext();
  }

  private Recorder stream(FakeUpstream to) {
    return Recorder.open(loop, new OllamaNativeTestProvider(http2, to.baseUrl()), JsonLinesStreamTest.request());
  }

  /** With a connect timeout of {@code connect}, and a first-token timeout far beyond what the test waits. */
  private Recorder stream(String baseUrl, Duration connect) {
    UpstreamTimeouts timeouts = new UpstreamTimeouts(connect, Duration.ofSeconds(30), Duration.ofSeconds(30));
    return Recorder.open(loop, new OllamaNativeTestProvider(http2, baseUrl, timeouts, RequestHook.NONE),
        JsonLinesStreamTest.request());
  }

  private record Held(Recorder first, Recorder waiting) {}

  /**
   * A first stream whose connection {@code proxy} holds in its handshake, and a second that has waited for
   * it, opening none of its own, for {@code waited}; each with its connect timeout.
   */
  private Held secondWaitingForFirst(HandshakeHoldingProxy proxy, Duration firstConnect, Duration secondConnect,
      Duration waited) {
    Recorder first = stream(proxy.baseUrl(), firstConnect);
    Await.until("the first stream's connection, held in its handshake", proxy::holding);
    Recorder waiting = stream(proxy.baseUrl(), secondConnect);
    Await.stable("connections accepted while the first is in its handshake", proxy::accepted, waited, Duration.ofSeconds(10));
    assertThat(proxy.accepted()).as("the second stream waits for the first's connection").isEqualTo(1);
    return new Held(first, waiting);
  }

  /**
   * {@code count} streams opened at once, each answered with the fixture in frames 20 ms apart, each read
   * to its end whole.
   */
  static void streamAllToTheEnd(FakeUpstream to, int count, Function<FakeUpstream, Recorder> open) {
    byte[] bytes = Fixtures.bytes(STREAM);
    List<Recorder> streams = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      to.enqueue(Reply.stream(bytes).chunking(Chunking.FRAMES, 20));
      streams.add(open.apply(to));
    }
    for (Recorder each : streams) {
      assertThat(String.join("", each.awaitEnd().texts())).isEqualTo(TEXT);
    }
  }

  /** One stream to the end, so that the loop has a connection up before the test's streams. */
  private void connect(FakeUpstream to) {
    to.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
    assertThat(String.join("", stream(to).awaitEnd().texts())).isEqualTo(TEXT);
    to.takeRequest();
  }

  @Test
  void aBurstSharesTheConnectionAlreadyOpen() {
    connect(upstream);

    streamAllToTheEnd(upstream, 20, this::stream);
    assertThat(upstream.requestCount()).isEqualTo(21);
    assertThat(upstream.connectionCount()).as("20 streams at once after the first, on its connection").isEqualTo(1);
  }

  @Test
  void streamsBeyondTheServersLimitGetAnotherConnectionRatherThanWait() {
    try (FakeUpstream limited = FakeUpstream.start(vertx,
        new HttpServerOptions().setInitialSettings(new Http2Settings().setMaxConcurrentStreams(2)))) {
      connect(limited);
      byte[] bytes = Fixtures.bytes(STREAM);
      List<Recorder> streams = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        limited.enqueue(Reply.stream(bytes).stallAfter(bytes.length / 2));
        streams.add(stream(limited));
      }

      for (Recorder each : streams) {
        Await.until("every stream's first delta while none has ended", () -> !each.texts().isEmpty());
      }
      assertThat(streams).noneMatch(Recorder::isOver);
      assertThat(limited.connectionCount()).as("10 open streams at 2 per connection").isBetween(5L, (long) MAX_CONNECTIONS);
      streams.forEach(Recorder::cancel);
    }
  }

  @Test
  void aBurstBeforeAnyConnectionOpensOnlyTheConnectionsItNeeds() {
    HttpUpstream roomy = HttpUpstream.create(vertx, 100, true);
    try (FakeUpstream limited = FakeUpstream.start(vertx,
        new HttpServerOptions().setInitialSettings(new Http2Settings().setMaxConcurrentStreams(10)))) {
      streamAllToTheEnd(limited, 25, to -> Recorder.open(loop, new OllamaNativeTestProvider(roomy, to.baseUrl()), JsonLinesStreamTest.request()));
      assertThat(limited.requestCount()).isEqualTo(25);
      assertThat(limited.connectionCount()).as("25 streams at 10 per connection, none open before (fewer if some ended first)").isLessThanOrEqualTo(3);
    } finally {
      roomy.close();
    }
  }

  @Test
  void aStreamWaitingForAConnectionInItsHandshakeIsCancelledAtOnceWithNothingSent() {
    try (HandshakeHoldingProxy proxy = new HandshakeHoldingProxy(vertx, upstream.baseUrl())) {
      upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
      Held held = secondWaitingForFirst(proxy, CONNECT, CONNECT, Duration.ofMillis(300));

      long cancelledAt = held.waiting().cancel();
      assertThat(held.waiting().awaitUpstreamClosed()).as("reported closed, the handshake still held").isGreaterThan(cancelledAt);
      assertThat(proxy.accepted()).isEqualTo(1);

      proxy.letThrough();
      assertThat(String.join("", held.first().awaitEnd().texts())).isEqualTo(TEXT);
      assertThat(upstream.requestCount()).as("the cancelled stream sent nothing").isEqualTo(1);
      assertThat(held.waiting().snapshot()).isEmpty();
    }
  }

  @Test
  void whenTheConnectionAStreamWaitedForFailsItOpensItsOwn() {
    try (HandshakeHoldingProxy proxy = new HandshakeHoldingProxy(vertx, upstream.baseUrl())) {
      upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
      Held held = secondWaitingForFirst(proxy, CONNECT, CONNECT, Duration.ofMillis(300));

      proxy.drop();

      assertThat(held.first().awaitFailure().code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      assertThat(String.join("", held.waiting().awaitEnd().texts())).isEqualTo(TEXT);
      assertThat(proxy.accepted()).as("the held connection, then the waiting stream's own").isEqualTo(2);
    }
  }

  @Test
  void aStreamThatWaitedItsWholeConnectTimeoutFailsAsTheConnectionItWaitedFor() {
    Duration connect = Duration.ofMillis(300);
    try (HandshakeHoldingProxy proxy = new HandshakeHoldingProxy(vertx, upstream.baseUrl())) {
      Held held = secondWaitingForFirst(proxy, CONNECT, connect, connect.multipliedBy(2));

      proxy.drop();

      assertThat(held.first().awaitFailure().code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
      assertThat(held.waiting().awaitFailure().getMessage()).as("the first's failure, for a stream that had waited past its connect timeout")
          .isEqualTo(held.first().awaitFailure().getMessage());
      assertThat(proxy.accepted()).isEqualTo(1);
      assertThat(upstream.requestCount()).isZero();
    }
  }

  @Test
  void aPausedStreamHoldsBackNoOtherStreamOnItsConnection() {
    connect(upstream);
    String line = "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"" + "x".repeat(200)
        + "\"},\"done\":false}\n";
    upstream.enqueue(Reply.stream(new byte[0]).endless(i -> line.getBytes(StandardCharsets.UTF_8)));
    Recorder paused = stream(upstream);
    Recorded pausedRequest = upstream.takeRequest();
    Await.until("the endless stream's first delta", () -> !paused.texts().isEmpty());
    paused.pause();
    Await.stable("the upstream blocked by the paused stream's window", pausedRequest.bytesWritten()::get,
        Duration.ofMillis(300), Duration.ofSeconds(10));

    upstream.enqueue(Reply.stream(Fixtures.bytes(STREAM)).chunking(Chunking.FRAMES, 5));
    Recorder other = stream(upstream);

    assertThat(String.join("", other.awaitEnd().texts())).as("the other stream, on the same connection").isEqualTo(TEXT);
    assertThat(upstream.connectionCount()).isEqualTo(1);
    paused.cancel();
    pausedRequest.awaitClosed();
  }

  @Test
  void aCancelResetsItsOwnStreamOnly() {
    byte[] bytes = Fixtures.bytes(STREAM);
    upstream.enqueue(Reply.stream(bytes).stallAfter(bytes.length / 2));
    Recorder cancelled = stream(upstream);
    Recorded cancelledRequest = upstream.takeRequest();
    upstream.enqueue(Reply.stream(bytes).chunking(Chunking.FRAMES, 100));
    Recorder other = stream(upstream);
    Recorded otherRequest = upstream.takeRequest();
    Await.until("the first stream's first delta", () -> !cancelled.texts().isEmpty());

    long cancelledAt = cancelled.cancel();
    long resetAt = cancelledRequest.awaitClosed();

    assertThat(resetAt).as("the upstream saw the stream reset after the cancel").isGreaterThan(cancelledAt);
    assertThat(String.join("", other.awaitEnd().texts())).as("the other stream, on the same connection").isEqualTo(TEXT);
    assertThat(otherRequest.connectionClosedAt()).as("the other stream was not reset").isNotDone();
    assertThat(upstream.connectionCount()).isEqualTo(1);
  }
}
