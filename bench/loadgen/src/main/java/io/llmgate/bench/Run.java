package io.llmgate.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One stream as its client saw it. A client calls {@link #token} for each token frame (whose text carries
 * the upstream's send time) and {@link #end} once. All calls come from the client's event loop.
 */
final class Run {
  final String id;
  final Recorder recorder;
  final Promise<Run> ended = Promise.promise();
  /** After this many tokens the client cancels (0 = never). */
  final int cancelAfter;
  /** When the client began to connect (0: not recorded); the burst phases measure from here. */
  long launchNanos;
  long startNanos;
  long firstTokenNanos;
  long lastTokenNanos;
  long maxGapNanos;
  long cancelNanos;
  int tokens;
  volatile boolean ok;
  volatile String failure = "";
  /** Set by the client: what cancelling this stream does (an event, or closing the connection). */
  Runnable cancel = () -> {};

  Run(String id, Recorder recorder, int cancelAfter) {
    this.id = id;
    this.recorder = recorder;
    this.cancelAfter = cancelAfter;
  }

  void started() {
    startNanos = System.nanoTime();
  }

  void token(String frame) {
    if (ended.future().isComplete()) {
      return;
    }
    long now = System.nanoTime();
    int at = frame.indexOf("ts=");
    long sent = at < 0 ? 0 : parseDigits(frame, at + 3);
    tokens++;
    if (firstTokenNanos == 0) {
      firstTokenNanos = now;
      recorder.ttft.add(now - startNanos);
      if (launchNanos > 0) {
        recorder.ttftFromConnect.add(now - launchNanos);
        recorder.connecting.add(startNanos - launchNanos);
      }
      if (sent > 0) {
        recorder.firstTokenThrough.add(now - sent);
        recorder.toUpstream.add(sent - startNanos);
      }
    } else {
      long gap = now - lastTokenNanos;
      recorder.gaps.add(gap);
      maxGapNanos = Math.max(maxGapNanos, gap);
    }
    if (sent > 0) {
      recorder.frameLatency.add(now - sent);
    }
    lastTokenNanos = now;
    recorder.tokens.incrementAndGet();
    if (cancelAfter > 0 && tokens == cancelAfter) {
      cancelNanos = System.nanoTime();
      cancel.run();
      end(true, "");
    }
  }

  void end(boolean success, String why) {
    if (ended.future().isComplete()) {
      return;
    }
    // The outcome first: completing the future wakes the thread that reads it.
    ok = success && (cancelAfter > 0 || tokens > 0);
    failure = ok ? "" : (why.isEmpty() ? "no token" : why) + " after " + tokens + " tokens";
    ended.complete(this);
  }

  /** The longest the client waited: for the first token (from connecting when recorded) or between two. */
  long worstWaitNanos(long now) {
    long from = launchNanos > 0 ? launchNanos : startNanos;
    long first = (firstTokenNanos > 0 ? firstTokenNanos : now) - from;
    return Math.max(first, maxGapNanos);
  }

  Future<Run> future() {
    return ended.future();
  }

  private static long parseDigits(String text, int from) {
    long value = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
