package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.Recorder;
import io.llmgate.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PfxOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code providers.http2} against an {@code https://} provider, as every hosted one is: HTTP/2 is negotiated
 * by ALPN, and a burst on a cold event loop shares the connections it opens; a server that offers only
 * HTTP/1.1 gets it, a connection per stream, with no stream waiting for another's. The fake upstream's
 * certificate is trusted the way a deployment trusts a private CA (src/test/resources/tls/README.md).
 */
class Http2AlpnTest extends FakeUpstreamTest {
  private static final String STREAM = "ollama/synthetic/chat-stream.ndjson";

  private HttpUpstream http2;
  private Context loop;

  @BeforeEach
  void http2Client() {
    http2 = HttpUpstream.create(vertx, 100, true);
    loop = vertx.getOrCreateContext();
  }

  @AfterEach
  void closeClient() {
    http2.close();
  }

  private static HttpServerOptions tls(HttpVersion... offered) {
    return new HttpServerOptions().setSsl(true).setUseAlpn(true).setAlpnVersions(List.of(offered))
        .setKeyCertOptions(new PfxOptions().setPath("tls/upstream-key.p12").setPassword("changeit"));
  }

  private Recorder stream(FakeUpstream to) {
    return Recorder.open(loop, new OllamaNativeTestProvider(http2, to.baseUrl()), JsonLinesStreamTest.request());
  }

  @Test
  void aBurstOverHttpsNegotiatesHttp2AndOpensOnlyTheConnectionsItNeeds() {
    try (FakeUpstream h2 = FakeUpstream.start(vertx, tls(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(10)))) {
      assertThat(h2.baseUrl()).startsWith("https://");
      Http2UpstreamTest.streamAllToTheEnd(h2, 25, this::stream);
      assertThat(h2.requestCount()).isEqualTo(25);
      assertThat(h2.connectionCount()).as("25 streams at 10 per connection, none open before (fewer if some ended first)").isLessThanOrEqualTo(3);
    }
  }

  @Test
  void anHttpsProviderWithoutHttp2GetsAConnectionPerStreamAndNoStreamWaitsForAnother() {
    try (FakeUpstream h1 = FakeUpstream.start(vertx, tls(HttpVersion.HTTP_1_1))) {
      byte[] bytes = Fixtures.bytes(STREAM);
      List<Recorder> streams = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        h1.enqueue(Reply.stream(bytes).stallAfter(bytes.length / 2));
        streams.add(stream(h1));
      }

      for (Recorder each : streams) {
        Await.until("every stream's first delta while none has ended", () -> !each.texts().isEmpty());
      }
      assertThat(streams).noneMatch(Recorder::isOver);
      assertThat(h1.connectionCount()).as("HTTP/1.1: one exchange per connection").isEqualTo(10);
      streams.forEach(Recorder::cancel);
    }
  }
}
