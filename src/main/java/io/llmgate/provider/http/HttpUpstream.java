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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private final boolean http2;
  private final HttpClient shared;
  private final ConnectionHerdGate sharedGate;
  private final ConcurrentHashMap<Thread, LoopClient> perLoop = new ConcurrentHashMap<>();
  /** Written once by {@link #close()}; read on every stream open without a lock. */
  private volatile Future<Void> closed;

  private HttpUpstream(Vertx vertx, HttpClientOptions options, PoolOptions pool, boolean http2) {
    this.vertx = vertx;
    this.options = options;
    this.pool = pool;
    this.http2 = http2;
    this.shared = vertx.createHttpClient(options, pool);
    // Off an event loop, streams of many threads share this client: no gate, whose count is one thread's.
    this.sharedGate = ConnectionHerdGate.none(shared);
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
   * still in its handshake as full, so a {@link ConnectionHerdGate} in front of it keeps streams arriving
   * together from opening one each.
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
    return new HttpUpstream(vertx, options, pool, http2);
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
    return new UpstreamHttpStream<>(context, gate(context, call.url()), call, decoder, timeouts, hook).start();
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
      perLoop.values().forEach(loop -> all.add(loop.client.close()));
      Future.join(all).<Void>mapEmpty().onComplete(done);
    }
    return closed;
  }

  /** The gate in front of this loop's client, for the origin of {@code url}. */
  private ConnectionHerdGate gate(Context context, String url) {
    if (!context.isEventLoopContext() || closed != null) {
      return sharedGate;
    }
    LoopClient loop = perLoop.computeIfAbsent(Thread.currentThread(),
        thread -> new LoopClient(vertx.createHttpClient(options, pool), http2));
    // close() sets closed before it closes the clients it finds: a client added as it ran is either found
    // there or seen closed here, and closed here (closing a client twice is harmless).
    if (closed != null) {
      loop.client.close();
      return sharedGate;
    }
    return loop.gate(url);
  }

  /** One event loop's client, and on HTTP/2 its gate per origin; used by that loop's thread only. */
  private static final class LoopClient {
    private final HttpClient client;
    private final ConnectionHerdGate http1;
    private final Map<String, ConnectionHerdGate> http2ByOrigin;

    LoopClient(HttpClient client, boolean http2) {
      this.client = client;
      this.http1 = http2 ? null : ConnectionHerdGate.none(client);
      this.http2ByOrigin = http2 ? new HashMap<>() : null;
    }

    ConnectionHerdGate gate(String url) {
      return http1 != null ? http1 : http2ByOrigin.computeIfAbsent(origin(url), origin -> ConnectionHerdGate.http2(client));
    }

    /** scheme://host[:port] of an absolute URL; two spellings of one origin only cost a gate more. */
    private static String origin(String url) {
      int authority = url.indexOf("//") + 2;
      int path = url.indexOf('/', authority);
      return path < 0 ? url : url.substring(0, path);
    }
  }
}
