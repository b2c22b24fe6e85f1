package io.llmgate.session;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running streams of this node, by user and then session id. A session id is unique per user only, so
 * one user can never reach another's stream by guessing its id. Sessions of different users live on
 * different event loops, hence the concurrent map; each user's own map is only touched inside
 * {@code compute}, which the concurrent map runs atomically per user.
 */
final class SessionRegistry {
  private final ConcurrentHashMap<String, Map<String, StreamSession>> byUser = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final int maxPerUser;

  SessionRegistry(int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  /** Adds the session, or fails with {@code duplicate_session} / {@code too_many_streams}. */
  void register(StreamSession session) {
    byUser.compute(session.user(), (user, sessions) -> {
      Map<String, StreamSession> mine = sessions == null ? new HashMap<>() : sessions;
      if (mine.containsKey(session.sessionId())) {
        throw new GatewayException(ErrorCode.DUPLICATE_SESSION,
            "sessionId: \"" + session.sessionId() + "\" is already streaming (expected: a new id)");
      }
      if (mine.size() >= maxPerUser) {
        throw new GatewayException(ErrorCode.TOO_MANY_STREAMS,
            "streams: " + mine.size() + " running (expected: at most " + maxPerUser + " per user)");
      }
      mine.put(session.sessionId(), session);
      return mine;
    });
    active.incrementAndGet();
  }

  void remove(StreamSession session) {
    byUser.computeIfPresent(session.user(), (user, sessions) -> {
      if (sessions.remove(session.sessionId(), session)) {
        active.decrementAndGet();
      }
      return sessions.isEmpty() ? null : sessions;
    });
  }

  Optional<StreamSession> find(String user, String sessionId) {
    return sessionsOf(user, session -> session.sessionId().equals(sessionId)).stream().findFirst();
  }

  /** The user's sessions matching {@code filter}, copied so callers can end them while iterating. */
  List<StreamSession> sessionsOf(String user, java.util.function.Predicate<StreamSession> filter) {
    List<StreamSession> matching = new ArrayList<>();
    byUser.computeIfPresent(user, (u, sessions) -> {
      sessions.values().stream().filter(filter).forEach(matching::add);
      return sessions;
    });
    return matching;
  }

  List<StreamSession> all() {
    List<StreamSession> everything = new ArrayList<>();
    byUser.keySet().forEach(user -> everything.addAll(sessionsOf(user, s -> true)));
    return everything;
  }

  int activeCount() {
    return active.get();
  }
}
