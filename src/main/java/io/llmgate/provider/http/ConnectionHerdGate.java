package io.llmgate.provider.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a burst of new streams to one HTTP/2 origin from opening a connection each: a stream that finds no
 * free stream slot on the connections open waits for a connection already in its handshake, if that one
 * will have room for it, instead of opening its own.
 *
 * <p>Hand-written because Vert.x's pool (5.0.7, {@code SimpleConnectionPool}) counts a connection still in
 * its handshake as full, so it opens one more for every stream that asks meanwhile: a burst of 400 on a
 * cold process opened 57 connections where 4 had room for all, and every one of those streams paid a
 * handshake on a loaded event loop (bench/README.md, "How much the connection herd costs"). The pool
 * itself still picks each stream's connection; the gate only decides when a stream asks for one.
 *
 * <p>The first stream to an origin goes alone, as a probe, since nothing says yet how many streams a
 * connection takes (the server's SETTINGS_MAX_CONCURRENT_STREAMS). Afterwards, as many open at once as the
 * waiting streams need. Where the origin answers HTTP/1.1 (no h2 from ALPN) there is nothing to share and
 * the gate steps aside for good; where an opening fails, every stream waiting for it goes on its own, so
 * that connect timeouts are never served one after another.
 *
 * <p>One gate per event loop and origin: everything runs on that loop's thread, so plain fields suffice.
 * Its count of a connection's slots is what the server said when the connection opened; a later SETTINGS
 * change is not followed, and only costs a connection more or a short wait in the pool.
 */
final class ConnectionHerdGate {
  private final HttpClient client;
  private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
  private final Map<HttpConnection, Long> slotsOf = new IdentityHashMap<>();
  private boolean sharing;
  private boolean admitting;
  /** The stream slots of the open connections, as their servers said. */
  private long slots;
  /** Streams that hold a slot or are getting one: each asked the pool and has not released. */
  private long holding;
  /** Streams whose request is expected to open a connection, still in its handshake. */
  private int opening;
  /** How many streams the last connection opened takes; 0 until one has opened. */
  private long slotsPerConnection;

  private ConnectionHerdGate(HttpClient client, boolean sharing) {
    this.client = client;
    this.sharing = sharing;
  }

  /** A gate for the streams of one HTTP/2 origin on one event loop. */
  static ConnectionHerdGate http2(HttpClient client) {
    return new ConnectionHerdGate(client, true);
  }

  /** No gate: every stream asks the pool at once (HTTP/1.1, where a connection carries one exchange). */
  static ConnectionHerdGate none(HttpClient client) {
    return new ConnectionHerdGate(client, false);
  }

  /** Asks for an exchange with {@code options}, now or once a connection is coming for it. */
  Ticket enter(RequestOptions options) {
    Ticket ticket = new Ticket(options);
    waiting.add(ticket);
    admit();
    return ticket;
  }

  private void admit() {
    if (admitting) {
      return; // a request completed within a request: the loop below sees what changed
    }
    admitting = true;
    try {
      while (!waiting.isEmpty()) {
        boolean slotFree = holding < slots;
        if (sharing && !slotFree && roomComing()) {
          return;
        }
        waiting.poll().ask(sharing && !slotFree);
      }
    } finally {
      admitting = false;
    }
  }

  /** Whether the connections in their handshakes will take every waiting stream (while unknown: the probe's). */
  private boolean roomComing() {
    return opening > 0 && (slotsPerConnection == 0 || holding + waiting.size() <= slots + opening * slotsPerConnection);
  }

  private void answered(Ticket ticket, AsyncResult<HttpClientRequest> answer) {
    if (ticket.opener) {
      opening--;
    }
    if (answer.failed()) {
      ticket.letGo();
      if (ticket.opener) {
        letEveryoneGo(answer.cause());
      }
    } else if (answer.result().version() != HttpVersion.HTTP_2) {
      sharing = false; // the origin offered no h2: one exchange per connection, nothing for a stream to wait for
    } else {
      learn(answer.result().connection());
      if (ticket.released) {
        ticket.letGo();
      }
    }
    admit();
  }

  /**
   * The opening the waiting streams counted on failed. Each tries its own, together, so that no one waits
   * for another's failure, within what is left of its connect timeout (which in Vert.x bounds the whole
   * wait for a connection, the pool's queue included): no stream waits longer for a connection than it
   * would have without the gate. One with no time left fails as the opening did.
   */
  private void letEveryoneGo(Throwable failure) {
    long now = System.nanoTime();
    while (!waiting.isEmpty()) {
      Ticket next = waiting.poll();
      long left = next.connectTimeLeft(now);
      if (left <= 0) {
        next.fail(failure);
      } else {
        next.options.setConnectTimeout(left);
        next.ask(false);
      }
    }
  }

  private void learn(HttpConnection connection) {
    if (!sharing || slotsOf.containsKey(connection)) {
      return;
    }
    long taken = Math.max(1, connection.remoteSettings().getMaxConcurrentStreams());
    slotsOf.put(connection, taken);
    slots += taken;
    slotsPerConnection = taken;
    connection.goAwayHandler(goAway -> forget(connection));
    connection.closeHandler(closed -> forget(connection));
  }

  /** A connection that takes no new stream (closed, or going away): its slots are no longer there. */
  private void forget(HttpConnection connection) {
    Long gone = slotsOf.remove(connection);
    if (gone != null) {
      slots -= gone;
      admit();
    }
  }

  /** One stream's passage: its exchange, once the pool gives it one, and its slot, until released. */
  final class Ticket {
    private final RequestOptions options;
    private final Promise<HttpClientRequest> exchange = Promise.promise();
    private final long enteredAt = System.nanoTime();
    private boolean asked;
    private boolean opener;
    private boolean answered;
    private boolean released;
    /** Counted in {@link #holding}. */
    private boolean holds;

    private Ticket(RequestOptions options) {
      this.options = options;
    }

    Future<HttpClientRequest> exchange() {
      return exchange.future();
    }

    /** Milliseconds of its connect timeout not yet spent waiting; {@code Long.MAX_VALUE} without one. */
    private long connectTimeLeft(long now) {
      long timeout = options.getConnectTimeout();
      return timeout <= 0 ? Long.MAX_VALUE : timeout - TimeUnit.NANOSECONDS.toMillis(now - enteredAt);
    }

    private void fail(Throwable failure) {
      asked = true;
      answered = true;
      exchange.fail(failure);
    }

    private void ask(boolean opens) {
      asked = true;
      opener = opens;
      holds = true;
      holding++;
      if (opens) {
        opening++;
      }
      client.request(options).onComplete(answer -> {
        answered = true;
        answered(this, answer);
        exchange.handle(answer);
      });
    }

    /**
     * The exchange is over, or no longer wanted: its slot is free. A stream still waiting leaves the queue
     * without having asked for anything, and its exchange fails. Idempotent.
     */
    void release() {
      if (released) {
        return;
      }
      released = true;
      if (!asked) {
        waiting.remove(this);
        exchange.fail("released before it was sent");
      } else if (answered) {
        letGo();
        admit();
      }
      // Asked and not answered yet: answered() lets the slot go once the pool's answer is counted.
    }

    private void letGo() {
      if (holds) {
        holds = false;
        holding--;
      }
    }
  }
}
