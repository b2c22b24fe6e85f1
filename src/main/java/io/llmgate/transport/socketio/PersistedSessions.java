package io.llmgate.transport.socketio;

import io.vertx.core.Vertx;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sockets of one namespace whose connection dropped for a recoverable reason, by private session id
 * ({@code pid}), each kept for the max disconnection duration: what the official server's session-aware
 * adapter does with {@code persistSession} and {@code restoreSession}. Unlike it, a session is restored at
 * most once (two reconnects with the same pid: one wins, the other gets a new socket) and only to a
 * client the auth handler accepted as the same principal, so a leaked pid alone is worth nothing.
 *
 * <p>It is also the {@link OutgoingLog.Memory} of the namespace's logs: what connected sockets' and kept
 * sessions' logs hold together is bounded by {@code maxBytes}. A log that needs room past it has the
 * oldest kept session forgotten, as if it had expired, and with none left drops its own oldest packets.
 * Every closed tab leaves a session behind for the whole duration, so without a bound the heap holds
 * every packet of the last two minutes' finished sockets (20 s of a benchmark's warm-up left 8,500 closed
 * sockets holding 261 MB of packets, and the serial collector ran full collections of 300-390 ms back to
 * back); a client whose session was forgotten gets a new socket and resumes its streams with {@code
 * llm:stream:resume}. Sockets persist and restore from any event loop.
 */
final class PersistedSessions implements OutgoingLog.Memory {
  /** What a socket leaves behind: its ids, who it was, the application's data and its outgoing log. */
  record Session(String sid, String pid, Object principal, Object data, OutgoingLog log) {}

  private record Entry(Session session, long bytes, long timer) {}

  /** In the order they were kept: the first is the oldest. Guarded by {@code this}. */
  private final Map<String, Entry> byPid = new LinkedHashMap<>();
  private final Vertx vertx;
  private final long maxDisconnectionMs;
  private final long maxBytes;
  private final AtomicLong bytes = new AtomicLong();

  PersistedSessions(Vertx vertx, long maxDisconnectionMs, long maxBytes) {
    this.vertx = vertx;
    this.maxDisconnectionMs = maxDisconnectionMs;
    this.maxBytes = maxBytes;
  }

  /**
   * Keeps a dropped socket's session. Its log's bytes are counted already; what it held for packets to
   * come is given back. No packet is added to a kept log, so this lock never waits for a log that waits for it.
   */
  void persist(Session session) {
    session.log().trim();
    long held = session.log().bytes();
    long timer = vertx.setTimer(maxDisconnectionMs, t -> expire(session));
    synchronized (this) {
      forget(byPid.put(session.pid(), new Entry(session, held, timer)));
    }
  }

  /**
   * Counts {@code chunkBytes} only if they fit: adding first and taking back on failure would let a
   * concurrent reserve see the overshoot and forget a kept session for nothing.
   */
  @Override
  public boolean reserve(long chunkBytes) {
    while (true) {
      long used = bytes.get();
      if (used + chunkBytes > maxBytes) {
        if (!forgetOldest()) {
          return false;
        }
      } else if (bytes.compareAndSet(used, used + chunkBytes)) {
        return true;
      }
    }
  }

  @Override
  public void release(long chunkBytes) {
    bytes.addAndGet(-chunkBytes);
  }

  private synchronized boolean forgetOldest() {
    Iterator<Entry> oldestFirst = byPid.values().iterator();
    if (!oldestFirst.hasNext()) {
      return false;
    }
    Entry oldest = oldestFirst.next();
    oldestFirst.remove();
    forget(oldest);
    return true;
  }

  private synchronized void expire(Session session) {
    Entry entry = byPid.get(session.pid());
    if (entry != null && entry.session() == session) {
      byPid.remove(session.pid());
      release(entry.bytes());
    }
  }

  /** Gives back the bytes of an entry taken out of the map, whose log nobody will read; null: none was. */
  private void forget(Entry entry) {
    if (entry != null) {
      release(entry.bytes());
      vertx.cancelTimer(entry.timer());
    }
  }

  /**
   * Takes out the session {@code pid} names if it belonged to {@code principal} and its log still holds
   * {@code offset}; empty otherwise (expired, forgotten, restored already, someone else's, or the offset
   * too old).
   */
  synchronized Optional<Session> restore(String pid, String offset, Object principal) {
    Entry entry = byPid.get(pid);
    if (entry == null || !Objects.equals(entry.session().principal(), principal)
        || !entry.session().log().holds(offset)) {
      return Optional.empty();
    }
    byPid.remove(pid);
    vertx.cancelTimer(entry.timer()); // its log goes on, with its bytes, in the recovered socket
    return Optional.of(entry.session());
  }

  /** Sessions waiting for their client now; for tests. */
  synchronized int size() {
    return byPid.size();
  }

  /** About what the logs of connected sockets and kept sessions hold on the heap, in bytes. */
  long bytes() {
    return bytes.get();
  }
}
