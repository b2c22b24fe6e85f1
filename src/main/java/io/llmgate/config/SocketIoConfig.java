package io.llmgate.config;

import java.time.Duration;

/**
 * Engine.IO / Socket.IO timings (the Socket.IO server's own defaults), and connection state recovery: a
 * socket whose connection dropped may come back as itself for {@code maxDisconnectionDuration} (0: off),
 * with the event packets it missed out of the newest {@code recoveryPackets} it was sent; all dropped sockets
 * together keep about {@code recoveryMaxBytes} of them at most (the oldest dropped socket is forgotten first).
 */
public record SocketIoConfig(Duration pingInterval, Duration pingTimeout, Duration connectTimeout, int maxPayload,
    Duration maxDisconnectionDuration, int recoveryPackets, int recoveryMaxBytes) {
  public static final SocketIoConfig DEFAULT =
      new SocketIoConfig(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(45), 1_000_000,
          Duration.ofMinutes(2), 1000, 64 << 20);

  public SocketIoConfig {
    Checks.positive("socketio.ping-interval", pingInterval.toMillis());
    Checks.positive("socketio.ping-timeout", pingTimeout.toMillis());
    Checks.positive("socketio.connect-timeout", connectTimeout.toMillis());
    Checks.positive("socketio.max-payload", maxPayload);
    Checks.notNegative("socketio.max-disconnection-duration", maxDisconnectionDuration);
    Checks.positive("socketio.recovery-packets", recoveryPackets);
    Checks.positive("socketio.recovery-max-bytes", recoveryMaxBytes);
  }
}
