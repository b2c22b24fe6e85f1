package io.llmgate.cluster;

import io.llmgate.ratelimit.RateLimiter;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The per-user token bucket of {@link io.llmgate.ratelimit.LocalRateLimiter}, kept in Redis so every node
 * draws from the same bucket: one script, one round trip per message. A stream's start takes its message
 * from the bucket inside the stream-slot script instead ({@link RedisStreamRegistry#admit}), in the same
 * round trip. Fails with
 * {@code cluster_unavailable} when Redis cannot be reached (never admits blindly: that would multiply
 * the limit by the node count again).
 */
public final class RedisRateLimiter implements RateLimiter {
  private static final RedisScript SCRIPT = RedisScript.load("rate-limit", "token-bucket");

  private final RedisStore store;
  private final ToIntFunction<String> capacityOf;
  private final long windowMillis;

  /** {@code capacityOf} gives each user's capacity (an API key's messages-per-minute, else the default). */
  public RedisRateLimiter(RedisStore store, ToIntFunction<String> capacityOf, Duration window) {
    this.store = store;
    this.capacityOf = capacityOf;
    this.windowMillis = window.toMillis();
  }

  @Override
  public Future<Boolean> tryAcquire(String user) {
    return store.eval(SCRIPT, List.of(ClusterKeys.rate(user)), capacityOf.applyAsInt(user), windowMillis)
        .map(admitted -> admitted.toInteger() == 1);
  }

  /** Whether this limiter's buckets live in {@code other}: a script there can take from them. */
  boolean keptIn(RedisStore other) {
    return store == other;
  }

  int capacity(String user) {
    return capacityOf.applyAsInt(user);
  }

  long windowMillis() {
    return windowMillis;
  }
}
