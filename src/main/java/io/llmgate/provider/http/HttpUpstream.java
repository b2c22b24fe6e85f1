package io.llmgate.provider.http;

import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamTimeouts;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The non-blocking HTTP client all remote providers share. HTTP/1.1 on purpose: resetting an exchange
 * closes its connection, which is the one abort every provider's server notices at once; a pooled
 * connection per stream is cheap next to a generation. The pool is sized for many concurrent streams to
 * one host (Vert.x defaults to 5, which would queue the sixth stream behind the first five).
 */
public final class HttpUpstream {
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 256;

  private final HttpClient client;

  private HttpUpstream(HttpClient client) {
    this.client = client;
  }

  public static HttpUpstream create(Vertx vertx, int maxConnectionsPerHost) {
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setForceSni(true)
        .setDecompressionSupported(false); // no Accept-Encoding: Anthropic would gzip the event stream
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1);
    return new HttpUpstream(vertx.createHttpClient(options, pool));
  }

  /** Opens {@code call} now; must run on a Vert.x context, whose thread then runs the stream's handlers. */
  public ProviderStream stream(UpstreamCall call, StreamDecoder decoder, UpstreamTimeouts timeouts) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException(call.provider() + ": open() outside a Vert.x context (expected: on a context)");
    }
    return new UpstreamHttpStream(context, client, call, decoder, timeouts).start();
  }
}
