package io.llmgate.transport.socketio;

import io.llmgate.transport.socketio.EnginePacket.Type;
import io.vertx.core.Vertx;

/**
 * A polling session's move to a WebSocket (Engine.IO v4): the client opens a WebSocket with the session's
 * sid (the probe), sends {@code 2probe}, gets {@code 3probe}, stops polling and sends UPGRADE; a probe that
 * does anything else, or not within {@code upgradeTimeout}, is abandoned and the session keeps polling.
 * Touched only on the session's context.
 */
final class Upgrade {
  /** What a packet on the probe means for the session. */
  enum Step {
    /** {@code 2probe}, answered: polls now get NOOP and writes wait for the WebSocket. */
    PROBED,
    /** UPGRADE: the probe carries the session from now on. */
    COMPLETE,
    /** Anything else: the upgrade is abandoned. */
    ABORT
  }

  private final EngineIoWebSocket probe;
  private final Vertx vertx;
  private final long timer;

  /** Waits for {@code probe} to upgrade; {@code onTimeout} runs if it has not within {@code timeoutMs}. */
  Upgrade(EngineIoWebSocket probe, Vertx vertx, long timeoutMs, Runnable onTimeout) {
    this.probe = probe;
    this.vertx = vertx;
    this.timer = vertx.setTimer(timeoutMs, t -> onTimeout.run());
  }

  boolean isProbe(EngineIoWebSocket transport) {
    return transport == probe;
  }

  Step onPacket(EnginePacket packet) {
    if (packet.type() == Type.PING && "probe".equals(packet.text())) {
      probe.send(EnginePacket.of(Type.PONG, "probe"));
      return Step.PROBED;
    }
    return packet.type() == Type.UPGRADE ? Step.COMPLETE : Step.ABORT;
  }

  /** The WebSocket that now carries the session. */
  EngineIoWebSocket complete() {
    vertx.cancelTimer(timer);
    return probe;
  }

  /** Closes the probe: the session stays on polling, or is closing. */
  void abandon() {
    vertx.cancelTimer(timer);
    probe.close();
  }
}
