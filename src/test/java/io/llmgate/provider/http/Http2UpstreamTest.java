package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On HTTP/2 ({@code providers.http2}) the streams of one event loop share its connections to the provider:
 * a burst opens none while the open ones have free stream slots, streams beyond the server's limit get
 * another connection rather than a wait, a paused stream holds back no other, and a cancel resets its own
 * stream only, the others streaming on to the end.
 */
class Http2UpstreamTest extends FakeUpstreamTest {
  private static final String STREAM = "ollama/synthetic/chat-stream.ndjson";
  private static final String TEXT = "The sky is blue because of Rayleigh scattering.";
  private static final int MAX_CONNECTIONS = 8;

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

  /** One stream to the end, so that the loop has a connection up before the test's streams. */
  private void connect(FakeUpstream to) {
    to.enqueue(Reply.stream(Fixtures.bytes(STREAM)));
    assertThat(String.join("", stream(to).awaitEnd().texts())).isEqualTo(TEXT);
    to.takeRequest();
  }

  @Test
  void aBurstSharesTheConnectionAlreadyOpen() {
    connect(upstream);
    byte[] bytes = Fixtures.bytes(STREAM);
    List<Recorder> streams = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      upstream.enqueue(Reply.stream(bytes).chunking(Chunking.FRAMES, 20));
      streams.add(stream(upstream));
    }

    for (Recorder each : streams) {
      assertThat(String.join("", each.awaitEnd().texts())).isEqualTo(TEXT);
    }
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
