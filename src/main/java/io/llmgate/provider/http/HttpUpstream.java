package io.llmgate.provider.http;

import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.provider.ProviderStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The non-blocking HTTP client all remote providers share. HTTP/1.1 by default: resetting an exchange
 * closes its connection, which is the one abort every provider's server notices at once; a pooled
 * connection per stream is cheap next to a generation, except in a burst beyond the pool, where each new
 * stream waits for a TCP and TLS handshake. {@code providers.http2} opts into HTTP/2, where such a burst
 * shares the connections already open and a cancel is a RST_STREAM. The pool is sized for many concurrent
 * streams to one host (Vert.x defaults to 5 connections, or 1 on HTTP/2, and queues the stream after them
 * behind generations that last minutes).
 *
 * <p>One client per event loop: Vert.x's pool lends any idle connection to any caller, so a stream opened
 * on one event loop would often read its upstream on another, and every frame would then cross threads
 * (a task queue and a wake-up) before reaching the stream. With a client per loop, a stream's upstream
 * connection lives on the stream's own thread.
 */
public final class HttpUpstream {
  /**
   * HTTP/2's connection-level window, at the RFC's maximum: each stream keeps its own 64 KiB window, so that
   * a paused stream (a slow client's) holds back its own bytes only. Vert.x's default, the same 64 KiB as one
   * stream, lets a single paused stream stall every other stream on its connection.
   */
  private static final int HTTP2_CONNECTION_WINDOW = Integer.MAX_VALUE;
  private final Vertx vertx;
  private final HttpClientOptions options;
  private final PoolOptions pool;
  private final HttpClient shared;
  private final ConcurrentHashMap<Thread, HttpClient> perLoop = new ConcurrentHashMap<>();
  /** Written once by {@link #close()}; read on every stream open without a lock. */
  private volatile Future<Void> closed;

  private HttpUpstream(Vertx vertx, HttpClientOptions options, PoolOptions pool) {
    this.vertx = vertx;
    this.options = options;
    this.pool = pool;
    this.shared = vertx.createHttpClient(options, pool);
  }

  public static HttpUpstream create(Vertx vertx, int maxConnectionsPerHost) {
    return create(vertx, maxConnectionsPerHost, false);
  }

  /**
   * {@code http2}: HTTP/2 to every provider (ALPN on https://, falling back to HTTP/1.1 where the server
   * offers no h2; prior knowledge on http://), so that a burst of streams shares the connections open instead
   * of opening one each. A cancel is then a RST_STREAM on a shared connection rather than its close. Vert.x
   * puts a stream on an open connection with a free stream slot (the server's SETTINGS_MAX_CONCURRENT_STREAMS)
   * and opens another only when all are full, up to {@code maxConnectionsPerHost}; it counts a connection
   * still in its handshake as full, so streams arriving together before a loop's first connection is up
   * open one each.
   */
  public static HttpUpstream create(Vertx vertx, int maxConnectionsPerHost, boolean http2) {
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setForceSni(true)
        .setDecompressionSupported(false); // no Accept-Encoding: Anthropic would gzip the event stream
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1);
    if (http2) {
      options.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setHttp2ClearTextUpgrade(false)
          .setHttp2ConnectionWindowSize(HTTP2_CONNECTION_WINDOW);
      pool.setHttp2MaxSize(maxConnectionsPerHost);
    }
    return new HttpUpstream(vertx, options, pool);
  }

  /**
   * Opens {@code call} now, as {@code hook} prepares it; must run on a Vert.x context, whose thread then
   * runs the stream's handlers.
   */
  public <F> ProviderStream stream(UpstreamCall call, StreamDecoder<F> decoder, UpstreamTimeouts timeouts,
      RequestHook hook) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException(call.provider() + ": open() outside a Vert.x context (expected: on a context)");
    }
    return new UpstreamHttpStream<>(context, client(context), call, decoder, timeouts, hook).start();
  }

  /**
   * Closes every client and the connections they pool; once, whoever asks again gets the same answer. A
   * stream opened afterwards fails as unreachable: it gets the closed shared client, no new one.
   */
  public synchronized Future<Void> close() {
    if (closed == null) {
      Promise<Void> done = Promise.promise();
      closed = done.future();
      List<Future<Void>> all = new ArrayList<>(List.of(shared.close()));
      perLoop.values().forEach(client -> all.add(client.close()));
      Future.join(all).<Void>mapEmpty().onComplete(done);
    }
    return closed;
  }

  private HttpClient client(Context context) {
    if (!context.isEventLoopContext() || closed != null) {
      return shared;
    }
    HttpClient client = perLoop.computeIfAbsent(Thread.currentThread(), loop -> vertx.createHttpClient(options, pool));
    // close() sets closed before it closes the clients it finds: a client added as it ran is either found
    // there or seen closed here, and closed here (closing a client twice is harmless).
    if (closed != null) {
      client.close();
      return shared;
    }
    return client;
  }
}
