package io.llmgate.session;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The registry of a single node: its running streams, in memory. Sessions of different users live on
 * different event loops, hence the concurrent map; each user's own map is only touched inside
 * {@code compute}, which the concurrent map runs atomically per user. Every answer is immediate; the
 * futures are already complete.
 */
public final class InMemoryStreamRegistry implements StreamRegistry {
  private final ConcurrentHashMap<String, Map<String, StreamSession>> byUser = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final ToIntFunction<String> maxPerUser;

  public InMemoryStreamRegistry(int maxPerUser) {
    this(user -> maxPerUser);
  }

  /** {@code maxPerUser} gives each user's cap (an API key's concurrent-streams, else the default). */
  public InMemoryStreamRegistry(ToIntFunction<String> maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  @Override
  public Future<Void> register(StreamSession session) {
    try {
      add(session);
      return Future.succeededFuture();
    } catch (GatewayException refused) {
      return Future.failedFuture(refused);
    }
  }

  private void add(StreamSession session) {
    byUser.compute(session.user(), (user, sessions) -> {
      Map<String, StreamSession> mine = sessions == null ? new HashMap<>() : sessions;
      if (mine.containsKey(session.sessionId())) {
        throw new GatewayException(ErrorCode.DUPLICATE_SESSION,
            "sessionId: \"" + session.sessionId() + "\" is already streaming (expected: a new id)");
      }
      int max = maxPerUser.applyAsInt(user);
      if (mine.size() >= max) {
        throw new GatewayException(ErrorCode.TOO_MANY_STREAMS,
            "streams: " + mine.size() + " running (expected: at most " + max + " per user)");
      }
      mine.put(session.sessionId(), session);
      return mine;
    });
    active.incrementAndGet();
  }

  @Override
  public void remove(StreamSession session) {
    byUser.computeIfPresent(session.user(), (user, sessions) -> {
      if (sessions.remove(session.sessionId(), session)) {
        active.decrementAndGet();
      }
      return sessions.isEmpty() ? null : sessions;
    });
  }

  @Override
  public Future<Optional<StreamSession>> find(String user, String sessionId) {
    return Future.succeededFuture(findHere(user, sessionId));
  }

  @Override
  public Future<Boolean> cancel(String user, String sessionId) {
    return findHere(user, sessionId).map(StreamSession::cancel).orElse(Future.succeededFuture(false));
  }

  private Optional<StreamSession> findHere(String user, String sessionId) {
    return local(user, session -> session.sessionId().equals(sessionId)).stream().findFirst();
  }

  @Override
  public List<StreamSession> local(String user, Predicate<StreamSession> filter) {
    List<StreamSession> matching = new ArrayList<>();
    byUser.computeIfPresent(user, (u, sessions) -> {
      sessions.values().stream().filter(filter).forEach(matching::add);
      return sessions;
    });
    return matching;
  }

  @Override
  public List<StreamSession> all() {
    List<StreamSession> everything = new ArrayList<>();
    byUser.keySet().forEach(user -> everything.addAll(local(user, s -> true)));
    return everything;
  }

  @Override
  public int activeCount() {
    return active.get();
  }
}
