package io.llmgate.transport;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import java.util.HashMap;
import java.util.Map;

/**
 * Authenticated Socket.IO sockets and {@code /ws} connections, per user and in total: one user cannot
 * hold the server's connections (each costs buffers and a heartbeat), nor can all users together hold
 * more than the process was sized for. Connections are admitted on every event loop, hence the lock; it
 * guards two counters and nothing slow.
 */
public final class ConnectionLimits {
  private final int perUser;
  private final int total;
  private final Map<String, Integer> byUser = new HashMap<>();
  private int open;

  public ConnectionLimits(int perUser, int total) {
    this.perUser = perUser;
    this.total = total;
  }

  /** A slot for one connection of {@code user}, to close when the connection ends. */
  public Slot admit(String user) {
    synchronized (this) {
      int held = byUser.getOrDefault(user, 0);
      if (held >= perUser) {
        throw refusal("too many connections for this user: " + held + " open (limit: "
            + perUser + ", setting: limits.connections-per-user)");
      }
      if (open >= total) {
        throw refusal("too many connections: " + open + " open (limit: " + total
            + ", setting: limits.max-connections)");
      }
      byUser.put(user, held + 1);
      open++;
    }
    return new Slot(user);
  }

  /** Called with the lock held. */
  private void release(String user) {
    byUser.computeIfPresent(user, (u, held) -> held == 1 ? null : held - 1);
    open--;
  }

  private static GatewayException refusal(String message) {
    return new GatewayException(ErrorCode.TOO_MANY_CONNECTIONS, message);
  }

  /**
   * One admitted connection; closing it more than once frees its place once. Two slots are equal when they
   * are the same user's: as a Socket.IO principal, equality is what lets a user's new connection recover
   * the socket its dropped one left behind (its own slot, the old one already freed).
   */
  public final class Slot implements AutoCloseable {
    private final String user;
    private boolean closed;

    private Slot(String user) {
      this.user = user;
    }

    public String user() {
      return user;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Slot slot && slot.user.equals(user);
    }

    @Override
    public int hashCode() {
      return user.hashCode();
    }

    @Override
    public void close() {
      synchronized (ConnectionLimits.this) {
        if (!closed) {
          closed = true;
          release(user);
        }
      }
    }
  }
}
