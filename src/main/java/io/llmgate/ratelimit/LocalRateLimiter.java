package io.llmgate.ratelimit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per user in this process: {@code capacity} messages at once, refilled evenly over
 * {@code window}. So 60 per minute lets a burst of 60 through and then one per second — the original
 * spec's limit without a cliff at window edges. Idle users' buckets are dropped by {@link #evictIdle}.
 */
public final class LocalRateLimiter implements RateLimiter {
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final int capacity;
  private final double nanosPerToken;
  private final LongSupplier nanoClock;

  public LocalRateLimiter(int capacity, Duration window) {
    this(capacity, window, System::nanoTime);
  }

  LocalRateLimiter(int capacity, Duration window, LongSupplier nanoClock) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    this.capacity = capacity;
    this.nanosPerToken = (double) window.toNanos() / capacity;
    this.nanoClock = nanoClock;
  }

  @Override
  public Future<Boolean> tryAcquire(String user) {
    long now = nanoClock.getAsLong();
    boolean[] admitted = new boolean[1];
    buckets.compute(user, (u, bucket) -> {
      Bucket current = bucket == null ? new Bucket(capacity, now) : bucket.refill(now, capacity, nanosPerToken);
      admitted[0] = current.tokens >= 1;
      return admitted[0] ? new Bucket(current.tokens - 1, now) : current;
    });
    return Future.succeededFuture(admitted[0]);
  }

  /** Forgets users whose bucket has refilled completely: they are indistinguishable from new ones. */
  public void evictIdle() {
    long now = nanoClock.getAsLong();
    buckets.entrySet().removeIf(e -> e.getValue().refill(now, capacity, nanosPerToken).tokens >= capacity);
  }

  private record Bucket(double tokens, long atNanos) {
    Bucket refill(long now, int capacity, double nanosPerToken) {
      return new Bucket(Math.min(capacity, tokens + (now - atNanos) / nanosPerToken), now);
    }
  }
}
