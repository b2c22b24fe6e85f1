package io.llmgate.config;

import java.time.Duration;

/** Engine.IO / Socket.IO timings (the Socket.IO server's own defaults). */
public record SocketIoConfig(Duration pingInterval, Duration pingTimeout, Duration connectTimeout, int maxPayload) {
  public static final SocketIoConfig DEFAULT =
      new SocketIoConfig(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(45), 1_000_000);

  public SocketIoConfig {
    Checks.positive("socketio.ping-interval", pingInterval.toMillis());
    Checks.positive("socketio.ping-timeout", pingTimeout.toMillis());
    Checks.positive("socketio.connect-timeout", connectTimeout.toMillis());
    Checks.positive("socketio.max-payload", maxPayload);
  }
}
