package io.llmgate.session;

import io.llmgate.ratelimit.RateLimiter;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which streams are running, by user and then session id: the place that enforces "one stream per
 * session id of a user" and "at most N running streams per user". A session id is unique per user only,
 * so a user can never reach another user's stream by guessing its id.
 *
 * <p>This node keeps its registry in memory ({@link InMemoryStreamRegistry}). A shared registry (Redis, for
 * cluster mode) implements the same interface: the checks that span nodes ({@link #register},
 * {@link #find}, {@link #cancel}) are asynchronous because they need a round trip; what only concerns this
 * node's own sessions (the ones it runs and can reach by reference) stays synchronous. A stream is always
 * owned and run by the node that started it; a shared registry only records where it runs.
 */
public interface StreamRegistry {

  /**
   * Records {@code session} as running. Fails with {@code duplicate_session} when its user already runs a
   * stream under that session id (on any node), or {@code too_many_streams} when the user already runs the
   * allowed number. Nothing is recorded on failure.
   */
  Future<Void> register(StreamSession session);

  /**
   * A stream's start: counts its message against {@code limiter}, then {@link #register}s {@code session}.
   * Fails with {@code rate_limited} (nothing counted, nothing recorded), else as {@link #register} does
   * (the message still counts, as every client message does). A shared registry whose store also keeps
   * the limiter's budgets does both atomically, in one round trip.
   */
  default Future<Void> admit(StreamSession session, RateLimiter limiter) {
    return limiter.tryAcquire(session.user()).compose(admitted -> admitted
        ? register(session)
        : Future.failedFuture(RateLimiter.overLimit()));
  }

  /** The stream ended (or never started): forget it, freeing its id and its place in the user's count. */
  void remove(StreamSession session);

  /**
   * The user's running stream {@code sessionId} on this node, if any. A shared registry may know the stream
   * runs elsewhere; it still answers empty here, since only the owning node can hand over its events.
   */
  Future<Optional<StreamSession>> find(String user, String sessionId);

  /**
   * Cancels the user's running stream {@code sessionId}, upstream included, wherever it runs; completes
   * with whether a running stream was stopped by this call.
   */
  Future<Boolean> cancel(String user, String sessionId);

  /** This node's sessions of {@code user} matching {@code filter}, copied so callers can end them while iterating. */
  List<StreamSession> local(String user, Predicate<StreamSession> filter);

  /** All sessions this node runs (shutdown drains them). */
  List<StreamSession> all();

  /** How many streams this node runs. */
  int activeCount();
}
