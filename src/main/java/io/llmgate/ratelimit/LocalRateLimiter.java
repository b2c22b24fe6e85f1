package io.llmgate.ratelimit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * A token bucket per user in this process: {@code capacity} messages at once, refilled evenly over
 * {@code window}. So 60 per minute lets a burst of 60 through and then one per second — the original
 * spec's limit without a cliff at window edges. A user may have a capacity of its own (an API key's
 * messages-per-minute). Idle users' buckets are dropped by {@link #evictIdle}.
 */
public final class LocalRateLimiter implements RateLimiter {
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final ToIntFunction<String> capacityOf;
  private final long windowNanos;
  private final LongSupplier nanoClock;

  public LocalRateLimiter(int capacity, Duration window) {
    this(same(capacity), window, System::nanoTime);
  }

  /** {@code capacityOf} gives each user's capacity (> 0, checked at start). */
  public LocalRateLimiter(ToIntFunction<String> capacityOf, Duration window) {
    this(capacityOf, window, System::nanoTime);
  }

  LocalRateLimiter(ToIntFunction<String> capacityOf, Duration window, LongSupplier nanoClock) {
    this.capacityOf = capacityOf;
    this.windowNanos = window.toNanos();
    this.nanoClock = nanoClock;
  }

  static ToIntFunction<String> same(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    return user -> capacity;
  }

  @Override
  public Future<Boolean> tryAcquire(String user) {
    long now = nanoClock.getAsLong();
    int capacity = capacityOf.applyAsInt(user);
    double nanosPerToken = (double) windowNanos / capacity;
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
    buckets.entrySet().removeIf(e -> {
      int capacity = capacityOf.applyAsInt(e.getKey());
      return e.getValue().refill(now, capacity, (double) windowNanos / capacity).tokens >= capacity;
    });
  }

  private record Bucket(double tokens, long atNanos) {
    Bucket refill(long now, int capacity, double nanosPerToken) {
      return new Bucket(Math.min(capacity, tokens + (now - atNanos) / nanosPerToken), now);
    }
  }
}
