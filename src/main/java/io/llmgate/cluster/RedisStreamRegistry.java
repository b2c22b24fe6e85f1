package io.llmgate.cluster;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.ratelimit.RateLimiter;
import io.llmgate.session.StreamRegistry;
import io.llmgate.session.StreamSession;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * This node's registry ({@code local}, which runs and finds the sessions) plus the per-user stream cap
 * and session-id uniqueness across all nodes: a slot per running stream in the user's Redis hash, tagged
 * with the node running it. Taken atomically (one script) before the stream is registered here, given
 * back when it ends (only if this node's: {@code release-stream.lua}). A start's message rate is checked in the same script when the rate limiter keeps
its buckets in the same Redis ({@link #admit}): the upstream request waits for one round trip, not two. A slot whose release could not reach Redis is retried by
 * {@link #retryReleases}; a dead node's slots are dropped by the next acquire once its presence key has
 * expired. A cancel of a stream another node runs is sent to that node ({@link CancelChannel}); a resume
 * of one finds nothing here and is answered from the stream's Redis log ({@link RedisReplayStore}).
 */
public final class RedisStreamRegistry implements StreamRegistry {
  private static final RedisScript START = RedisScript.load("start-stream", "token-bucket");
  private static final RedisScript RELEASE = RedisScript.load("release-stream");
  private static final RedisScript CANCEL_REMOTE = RedisScript.load("cancel-remote");
  /** A user's hash outlives its last acquire by this much; live slots are re-checked on every acquire. */
  private static final Duration IDLE_EXPIRY = Duration.ofDays(1);
  /** A cancel waiting for its node to subscribe again; a node that takes longer is dead or was restarted. */
  private static final Duration PENDING_CANCEL_EXPIRY = Duration.ofMinutes(1);

  private final StreamRegistry local;
  private final RedisStore store;
  private final String nodeId;
  private final ToIntFunction<String> maxPerUser;
  private final Queue<Slot> unreleased = new ConcurrentLinkedQueue<>();
  private final CancelChannel cancels;

  RedisStreamRegistry(StreamRegistry local, RedisStore store, String nodeId,
      ToIntFunction<String> maxPerUser) {
    this.local = local;
    this.cancels = new CancelChannel(store, nodeId, local);
    this.store = store;
    this.nodeId = nodeId;
    this.maxPerUser = maxPerUser;
  }

  /** Fails with {@code too_many_streams}, {@code duplicate_session} or {@code cluster_unavailable}. */
  @Override
  public Future<Void> register(StreamSession session) {
    return take(session, List.of(ClusterKeys.slots(session.user())), 0, 0);
  }

  /**
   * The message rate and the slot in one script when {@code limiter} keeps its buckets in this Redis; also
   * fails with {@code rate_limited}, having taken nothing.
   */
  @Override
  public Future<Void> admit(StreamSession session, RateLimiter limiter) {
    if (!(limiter instanceof RedisRateLimiter shared) || !shared.keptIn(store)) {
      return StreamRegistry.super.admit(session, limiter);
    }
    return take(session, List.of(ClusterKeys.slots(session.user()), ClusterKeys.rate(session.user())),
        shared.capacity(session.user()), shared.windowMillis());
  }

  /** Runs the start script: with the bucket's key among {@code keys}, it takes the message from it first. */
  private Future<Void> take(StreamSession session, List<String> keys, int capacity, long windowMillis) {
    Slot slot = new Slot(session.user(), session.sessionId());
    return store.eval(START, keys, slot.sessionId, nodeId, maxPerUser.applyAsInt(slot.user),
        ClusterKeys.NODE_PREFIX, IDLE_EXPIRY.toMillis(), capacity, windowMillis)
        .onFailure(unanswered -> {
          // A start whose answer timed out may still have taken its slot: given back once Redis answers.
          if (GatewayException.from(unanswered).code() == ErrorCode.CLUSTER_UNAVAILABLE) {
            unreleased.add(slot);
          }
        })
        .compose(answer -> {
          verdict(answer, slot);
          return local.register(session).onFailure(refused -> release(slot));
        });
  }

  private void verdict(Response answer, Slot slot) {
    switch (answer.get(0).toString()) {
      case "ok" -> { }
      case "rate" -> throw RateLimiter.overLimit();
      case "duplicate" -> throw new GatewayException(ErrorCode.DUPLICATE_SESSION,
          "sessionId: \"" + slot.sessionId + "\" is already streaming on a node of the cluster (expected: a new id)");
      default -> throw new GatewayException(ErrorCode.TOO_MANY_STREAMS, "streams: " + answer.get(1).toInteger()
          + " running across the cluster (expected: at most " + maxPerUser.applyAsInt(slot.user) + " per user)");
    }
  }

  /**
   * Gives the slot back at once: a stream is removed once {@link StreamSession#closed()}, which completes only
   * after Redis answered its replay log's writes ({@code Recording.kept}). A release sent before them would
   * reach Redis first (the writes wait for their batch), and a client reusing the session id on another node
   * at once would have its new log take the old stream's last entries (and owner).
   */
  @Override
  public void remove(StreamSession session) {
    local.remove(session);
    release(new Slot(session.user(), session.sessionId()));
  }

  @Override
  public Future<Optional<StreamSession>> find(String user, String sessionId) {
    return local.find(user, sessionId);
  }

  /**
   * Cancels the stream here if this node runs it, else sends the cancel to the node that does (one script:
   * look the node up in the user's slots, publish on its channel). A remote cancel completes with
   * {@code true} once the running node received it; that node then ends the stream and its upstream.
   */
  @Override
  public Future<Boolean> cancel(String user, String sessionId) {
    return local.cancel(user, sessionId).compose(here -> here ? Future.succeededFuture(true)
        : store.eval(CANCEL_REMOTE, List.of(ClusterKeys.slots(user)), sessionId, nodeId, ClusterKeys.CANCEL_PREFIX,
            new JsonObject().put("user", user).put("sessionId", sessionId).encode(), ClusterKeys.NODE_PREFIX,
            ClusterKeys.PENDING_CANCELS_PREFIX, PENDING_CANCEL_EXPIRY.toMillis())
            .map(receivers -> receivers.toInteger() > 0));
  }

  @Override
  public List<StreamSession> local(String user, Predicate<StreamSession> filter) {
    return local.local(user, filter);
  }

  @Override
  public List<StreamSession> all() {
    return local.all();
  }

  @Override
  public int activeCount() {
    return local.activeCount();
  }

  /**
   * After each heartbeat that reached Redis: (re)subscribes to this node's cancel channel and gives back
   * the slots whose release failed while Redis was unreachable.
   */
  Future<Void> heartbeatSucceeded() {
    Future<Void> subscribed = cancels.ensureSubscribed();
    List<Slot> pending = new ArrayList<>();
    for (Slot slot = unreleased.poll(); slot != null; slot = unreleased.poll()) {
      pending.add(slot);
    }
    // Not a slot a stream of this node holds again by now (a client retrying a refused start, same id).
    pending.stream().filter(slot -> local.local(slot.user, running -> running.sessionId().equals(slot.sessionId))
        .isEmpty()).forEach(this::release);
    return subscribed;
  }

  void close() {
    cancels.close();
  }

  private void release(Slot slot) {
    store.eval(RELEASE, List.of(ClusterKeys.slots(slot.user)), slot.sessionId, nodeId)
        .onFailure(unreachable -> unreleased.add(slot));
  }

  private record Slot(String user, String sessionId) {}
}
