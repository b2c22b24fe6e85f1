package io.llmgate.config;

import java.time.Duration;

/**
 * Per-user limits of protocol.md, and the connections (authenticated Socket.IO sockets and {@code /ws}
 * connections) one user and all users together may hold.
 */
public record Limits(int messagesPerWindow, Duration window, int concurrentStreams, int maxRequestBytes,
    int connectionsPerUser, int maxConnections, int maxFullResponseChars) {
  /** The characters of a stream's text that {@code done.fullResponse} carries at most (protocol.md). */
  public static final int DEFAULT_MAX_FULL_RESPONSE = 1_000_000;
  public static final int DEFAULT_CONNECTIONS_PER_USER = 32;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final Limits DEFAULT = new Limits(60, Duration.ofMinutes(1), 8, 1 << 20);

  public Limits {
    Checks.positive("limits.messages-per-minute", messagesPerWindow);
    Checks.positive("limits.concurrent-streams", concurrentStreams);
    Checks.positive("limits.max-request-bytes", maxRequestBytes);
    Checks.positive("limits.connections-per-user", connectionsPerUser);
    Checks.positive("limits.max-connections", maxConnections);
    Checks.positive("limits.max-full-response", maxFullResponseChars);
  }

  /** The default connection limits. */
  public Limits(int messagesPerWindow, Duration window, int concurrentStreams, int maxRequestBytes) {
    this(messagesPerWindow, window, concurrentStreams, maxRequestBytes, DEFAULT_CONNECTIONS_PER_USER,
        DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_FULL_RESPONSE);
  }

  public Limits withConnections(int perUser, int total) {
    return new Limits(messagesPerWindow, window, concurrentStreams, maxRequestBytes, perUser, total,
        maxFullResponseChars);
  }

  public Limits withMaxFullResponse(int chars) {
    return new Limits(messagesPerWindow, window, concurrentStreams, maxRequestBytes, connectionsPerUser,
        maxConnections, chars);
  }
}
