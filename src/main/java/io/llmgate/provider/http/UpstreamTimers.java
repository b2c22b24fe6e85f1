package io.llmgate.provider.http;

import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.GatewayException;
import io.llmgate.error.UpstreamErrors;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * The first-token and idle timers of one upstream exchange (the connect timeout is the HTTP client's).
 * Idle is one timer that re-arms itself for the time left since the last frame, rather than a timer per
 * frame; it never fires while our own reader has paused the stream, since that stall is not upstream's.
 * Runs on the stream's context.
 */
final class UpstreamTimers {
  private final Vertx vertx;
  private final String provider;
  private final UpstreamTimeouts timeouts;
  private final Consumer<GatewayException> onTimeout;
  private long firstTokenTimer = -1;
  private long idleTimer = -1;
  private long lastFrameNanos;
  private boolean paused;

  UpstreamTimers(Vertx vertx, String provider, UpstreamTimeouts timeouts, Consumer<GatewayException> onTimeout) {
    this.vertx = vertx;
    this.provider = provider;
    this.timeouts = timeouts;
    this.onTimeout = onTimeout;
  }

  void startFirstToken() {
    firstTokenTimer = vertx.setTimer(timeouts.firstToken().toMillis(), id -> {
      firstTokenTimer = -1;
      onTimeout.accept(UpstreamErrors.timedOut(provider, "no first token", timeouts.firstToken(),
          "timeouts.first-token"));
    });
  }

  void firstTokenArrived() {
    if (firstTokenTimer == -1) {
      return;
    }
    vertx.cancelTimer(firstTokenTimer);
    firstTokenTimer = -1;
    lastFrameNanos = System.nanoTime();
    armIdle(timeouts.idle().toMillis());
  }

  void frameArrived() {
    lastFrameNanos = System.nanoTime();
  }

  void paused(boolean nowPaused) {
    if (paused && !nowPaused) {
      lastFrameNanos = System.nanoTime();
    }
    paused = nowPaused;
  }

  void cancelAll() {
    vertx.cancelTimer(firstTokenTimer);
    vertx.cancelTimer(idleTimer);
    firstTokenTimer = -1;
    idleTimer = -1;
  }

  private void armIdle(long delayMs) {
    idleTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
      long idleMs = timeouts.idle().toMillis();
      long quietMs = (System.nanoTime() - lastFrameNanos) / 1_000_000;
      if (paused || quietMs < idleMs) {
        armIdle(paused ? idleMs : idleMs - quietMs);
      } else {
        idleTimer = -1;
        onTimeout.accept(UpstreamErrors.timedOut(provider, "no frame", timeouts.idle(), "timeouts.idle"));
      }
    });
  }
}
