package io.llmgate.cluster;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends the replay log's writes of every stream of this node to Redis without a round trip per token: a
 * write only joins a queue; the first one queued schedules a flush for the end of the event loop's turn,
 * which sends the whole queue as one pipeline. While a pipeline is in flight the queue grows, and goes as
 * the next one when the answer comes: one pipeline at a time keeps the writes of each stream in order (a
 * Redis Stream refuses an entry id lower than its last), and the slower Redis answers, the larger the batch.
 * Nothing waits for Redis on the token path. A Redis that cannot be reached drops writes (counted): the
 * stream goes on, and a resumer on another node finds the gap and is told so. A stream's final event waits for
 * {@link #written()} before its client sees it: a resume on another node then finds the stream ended, and the
 * release of its slot, sent after, cannot overtake its last writes (another node may reuse the session id at
 * once, and a late write would land in the new stream's log).
 */
final class ReplayWriter {
  /** Writes queued beyond this, while Redis does not answer, are dropped rather than held without bound. */
  static final int MAX_QUEUED = 100_000;

  private final Vertx vertx;
  private final RedisStore store;
  private final Counter dropped;
  private List<Request> queued = new ArrayList<>();
  /** Waiting for the writes queued before them: completed when the batch that takes them is answered. */
  private List<Promise<Void>> waiting = new ArrayList<>();
  /** A flush is scheduled or in flight: the next write only queues. */
  private boolean flushing;

  ReplayWriter(Vertx vertx, RedisStore store, Counter dropped) {
    this.vertx = vertx;
    this.store = store;
    this.dropped = dropped;
  }

  void add(Request write) {
    synchronized (this) {
      if (queued.size() >= MAX_QUEUED) {
        dropped.increment();
        return;
      }
      queued.add(write);
      if (flushing) {
        return;
      }
      flushing = true;
    }
    Context here = Vertx.currentContext();
    (here != null ? here : vertx.getOrCreateContext()).runOnContext(v -> flush());
  }

  /**
   * Completes once every write queued so far was answered by Redis, or dropped (a Redis that cannot be
   * reached answers nothing else either). Never fails.
   */
  Future<Void> written() {
    synchronized (this) {
      if (!flushing) {
        return Future.succeededFuture();
      }
      Promise<Void> promise = Promise.promise();
      waiting.add(promise);
      return promise.future();
    }
  }

  private void flush() {
    List<Request> batch;
    List<Promise<Void>> answered;
    synchronized (this) {
      batch = queued;
      queued = new ArrayList<>();
      answered = waiting;
      waiting = new ArrayList<>();
    }
    store.batch("replay-append", batch).onComplete(sent -> {
      if (sent.failed()) {
        dropped.increment(batch.size());
      }
      answered.forEach(Promise::complete);
      List<Promise<Void>> idle;
      synchronized (this) {
        if (!queued.isEmpty()) {
          idle = null;
        } else {
          flushing = false;
          // Asked for while this batch was in flight, with nothing queued since: what they wait for is written.
          idle = waiting;
          waiting = new ArrayList<>();
        }
      }
      if (idle == null) {
        flush();
      } else {
        idle.forEach(Promise::complete);
      }
    });
  }
}
