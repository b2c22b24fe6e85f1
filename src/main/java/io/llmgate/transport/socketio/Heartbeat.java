package io.llmgate.transport.socketio;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The Engine.IO v4 heartbeat of one session: the server pings every {@code interval}; without a
 * pong within {@code timeout} the session is dead. Touched only on the session's context.
 *
 * <p>The deadline is kept as a time, not only as a timer: a client that never heard from us in
 * interval + timeout is gone however late our timers fire, and one that did receive the ping gets
 * the full timeout from then.
 */
final class Heartbeat {

  private final Vertx vertx;
  private final long interval;
  private final long timeout;
  private final BooleanSupplier sendPing; // true when the ping reached the client at once
  private final Runnable onTimeout;

  private long pingTimer = -1;
  private long pongTimer = -1;
  private long deadline; // System.nanoTime() by which a pong must have arrived
  private boolean awaitingPong;

  Heartbeat(
      Vertx vertx, long interval, long timeout, BooleanSupplier sendPing, Runnable onTimeout) {
    this.vertx = vertx;
    this.interval = interval;
    this.timeout = timeout;
    this.sendPing = sendPing;
    this.onTimeout = onTimeout;
  }

  void start() {
    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interval + timeout);
    pingTimer = vertx.setTimer(interval, t -> ping());
    armPongTimer();
  }

  private void ping() {
    pingTimer = -1;
    awaitingPong = true;
    if (sendPing.getAsBoolean()) {
      deadline = Math.max(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout));
    }
  }

  private void armPongTimer() {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    pongTimer =
        vertx.setTimer(
            Math.max(1, remaining),
            t -> {
              pongTimer = -1;
              if (pastDeadline()) {
                onTimeout.run();
              } else {
                armPongTimer(); // the deadline moved while we waited
              }
            });
  }

  void onPong() {
    if (awaitingPong) {
      awaitingPong = false;
      cancel(pongTimer);
      start();
    }
  }

  boolean pastDeadline() {
    return System.nanoTime() - deadline >= 0;
  }

  void stop() {
    cancel(pingTimer);
    cancel(pongTimer);
    pingTimer = -1;
    pongTimer = -1;
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
