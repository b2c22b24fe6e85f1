package io.llmgate.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key set published at {@code auth.jwt.jwks-url}, fetched without blocking: once at start, again every
 * max-age, and when a token names a key id it does not hold (a rotation) — at most once per minimum refresh
 * interval, so a flood of tokens with made-up key ids costs the identity provider one request per interval.
 * A failed fetch keeps the keys already held; while none were ever fetched it is retried each interval
 * (at least a second apart).
 */
final class JwksClient {
  private static final Logger LOG = LoggerFactory.getLogger(JwksClient.class);
  static final int MAX_BODY_BYTES = 1 << 20;
  private static final long TIMEOUT_MS = 5_000;
  /** However short the refresh interval, an identity provider that is down is asked at most once a second. */
  private static final long RETRY_FLOOR_MS = 1_000;

  private final Vertx vertx;
  private final HttpClient client;
  private final URI url;
  private final long minIntervalNanos;
  private final Consumer<List<JsonObject>> onKeys;
  private final long periodicTimer;
  private Future<Void> inFlight;
  private long lastAttemptNanos;
  private boolean attempted;
  private boolean fetched;
  private boolean closed;

  JwksClient(Vertx vertx, URI url, Duration maxAge, Duration minInterval, Consumer<List<JsonObject>> onKeys) {
    this.vertx = vertx;
    // A new connection per fetch: fetches are minutes apart, and a pooled one the identity provider (or a
    // proxy) closed while idle failed the refetch for a rotated-in kid, refusing its tokens until the next.
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    this.url = url;
    this.minIntervalNanos = minInterval.toNanos();
    this.onKeys = onKeys;
    this.periodicTimer = vertx.setPeriodic(maxAge.toMillis(), id -> refresh());
  }

  /** True once a key set was fetched: until then no token that needs one can be verified. */
  synchronized boolean fetched() {
    return fetched;
  }

  /** Fetches now unless a fetch is already under way, which is then waited for. Never fails. */
  synchronized Future<Void> refresh() {
    if (inFlight != null) {
      return inFlight;
    }
    if (closed) {
      return Future.succeededFuture();
    }
    attempted = true;
    lastAttemptNanos = System.nanoTime();
    Promise<Void> done = Promise.promise();
    inFlight = done.future();
    fetch().onComplete(fetch -> {
      finished(fetch.succeeded());
      done.complete();
    });
    return done.future();
  }

  /** Fetches for a key id not held, unless the last fetch started within the minimum interval. */
  synchronized Future<Void> refreshIfDue() {
    if (inFlight == null && attempted && System.nanoTime() - lastAttemptNanos < minIntervalNanos) {
      return Future.succeededFuture();
    }
    return refresh();
  }

  synchronized void close() {
    closed = true;
    vertx.cancelTimer(periodicTimer);
    client.close();
  }

  /** Ready only once the fetch is over, so a refresh asked for from then on fetches anew. */
  private synchronized void finished(boolean succeeded) {
    fetched |= succeeded;
    inFlight = null;
    if (!succeeded && !fetched && !closed) {
      vertx.setTimer(Math.max(RETRY_FLOOR_MS, minIntervalNanos / 1_000_000), id -> refresh());
    }
  }

  private Future<Void> fetch() {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
        .setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS).putHeader("accept", "application/json");
    return client.request(options)
        // The body reader is set in the callback that gets the response, on the response's context. Chained
        // after the request's future instead, it could run later on another context (a fetch asked from
        // outside Vert.x: the start-up fetch, a test), after the body had gone by with no handler: the
        // fetch failed and a rotated-in key's tokens were refused as signed by an unknown key.
        .compose(request -> request.send().compose(JwksClient::boundedBody))
        .map(body -> JwkSet.usable(new JsonObject(body)))
        .onSuccess(keys -> {
          onKeys.accept(keys);
          LOG.info("auth.jwt.jwks-url: {} signing keys from {}", keys.size(), url);
        })
        .onFailure(e -> LOG.warn("auth.jwt.jwks-url: cannot fetch {} ({}); keeping the keys held", url,
            e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()))
        .mapEmpty();
  }

  /** The body of a 200, read up to {@link #MAX_BODY_BYTES}: an identity provider's key set is a few KB. */
  private static Future<Buffer> boundedBody(HttpClientResponse response) {
    Promise<Buffer> body = Promise.promise();
    Buffer received = Buffer.buffer();
    response.exceptionHandler(body::tryFail);
    response.handler(chunk -> {
      if (received.length() + chunk.length() > MAX_BODY_BYTES) {
        body.tryFail("a body over " + MAX_BODY_BYTES + " bytes");
        response.request().reset();
      } else {
        received.appendBuffer(chunk);
      }
    });
    response.endHandler(end -> {
      if (response.statusCode() == 200) {
        body.tryComplete(received);
      } else {
        body.tryFail("HTTP " + response.statusCode() + " (expected: 200)");
      }
    });
    return body.future();
  }
}
