package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.provider.FakeUpstream.Chunking;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.Recorder;
import io.llmgate.testing.Await;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On HTTP/2 ({@code providers.http2}) the streams of one event loop share its few connections to the
 * provider (at most 4): a burst opens none per stream, and a cancel resets its own stream only, the others
 * streaming on to the end.
 */
class Http2UpstreamTest extends FakeUpstreamTest {
  private static final String STREAM = "ollama/synthetic/chat-stream.ndjson";
  private static final String TEXT = "The sky is blue because of Rayleigh scattering.";

  private HttpUpstream http2;
  private Context loop;

  @BeforeEach
  void http2Client() {
    http2 = HttpUpstream.create(vertx, 8, true);
    loop = vertx.getOrCreateContext();
  }

  private Recorder stream() {
    return Recorder.open(loop, new OllamaNativeTestProvider(http2, upstream.baseUrl()), JsonLinesStreamTest.request());
  }

  @Test
  void concurrentStreamsShareAFewConnections() {
    byte[] bytes = Fixtures.bytes(STREAM);
    List<Recorder> streams = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      upstream.enqueue(Reply.stream(bytes).chunking(Chunking.FRAMES, 20));
      streams.add(stream());
    }

    for (Recorder each : streams) {
      assertThat(String.join("", each.awaitEnd().texts())).isEqualTo(TEXT);
    }
    assertThat(upstream.requestCount()).isEqualTo(20);
    assertThat(upstream.connectionCount()).as("20 streams at once on one event loop, a few connections")
        .isBetween(1L, 4L);
  }

  @Test
  void aCancelResetsItsOwnStreamOnly() {
    byte[] bytes = Fixtures.bytes(STREAM);
    upstream.enqueue(Reply.stream(bytes).stallAfter(bytes.length / 2));
    Recorder cancelled = stream();
    Recorded cancelledRequest = upstream.takeRequest();
    upstream.enqueue(Reply.stream(bytes).chunking(Chunking.FRAMES, 100));
    Recorder other = stream();
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
