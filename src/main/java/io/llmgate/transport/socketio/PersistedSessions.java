package io.llmgate.transport.socketio;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets of one namespace whose connection dropped for a recoverable reason, by private session id
 * ({@code pid}), each kept for the max disconnection duration: what the official server's session-aware
 * adapter does with {@code persistSession} and {@code restoreSession}. Unlike it, a session is restored at
 * most once (two reconnects with the same pid: one wins, the other gets a new socket) and only to a
 * client the auth handler accepted as the same principal, so a leaked pid alone is worth nothing.
 * Sockets persist and restore from any event loop.
 */
final class PersistedSessions {
  /** What a socket leaves behind: its ids, who it was, the application's data and its outgoing log. */
  record Session(String sid, String pid, Object principal, Object data, OutgoingLog log) {}

  private static final class Entry {
    final Session session;
    volatile long timer;

    Entry(Session session) {
      this.session = session;
    }
  }

  private final Map<String, Entry> byPid = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final long maxDisconnectionMs;

  PersistedSessions(Vertx vertx, long maxDisconnectionMs) {
    this.vertx = vertx;
    this.maxDisconnectionMs = maxDisconnectionMs;
  }

  void persist(Session session) {
    Entry entry = new Entry(session);
    byPid.put(session.pid(), entry);
    entry.timer = vertx.setTimer(maxDisconnectionMs, t -> byPid.remove(session.pid(), entry));
  }

  /**
   * Takes out the session {@code pid} names if it belonged to {@code principal} and its log still holds
   * {@code offset}; empty otherwise (expired, restored already, someone else's, or the offset too old).
   */
  Optional<Session> restore(String pid, String offset, Object principal) {
    Entry entry = byPid.get(pid);
    if (entry == null || !Objects.equals(entry.session.principal(), principal)
        || !entry.session.log().holds(offset) || !byPid.remove(pid, entry)) {
      return Optional.empty();
    }
    vertx.cancelTimer(entry.timer);
    return Optional.of(entry.session);
  }

  /** Sessions waiting for their client now; for tests. */
  int size() {
    return byPid.size();
  }
}
