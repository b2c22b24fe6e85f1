package io.llmgate.session;

import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a running stream goes once a client resumed it: the new client's sink, fed from the stream's
 * context. Until {@link #release} the live events are held, so the transport can send its acknowledgement
 * first; then the replay goes out, then the held events, then live ones. Every event passes one filter —
 * start once, each index once and in order, one final event — so replay and live neither overlap nor leave
 * a gap even when the replay was read a little before the switch. The client's sink may live on another
 * context than the stream: calls to it hop there, in order.
 */
final class ResumedSink implements EventSink {
  private final EventSink target;
  private final Context targetContext;
  private final Context streamContext;
  private final long requestedNanos;
  private List<StreamEvent> held = new ArrayList<>();
  private boolean wasDetached;
  private long lastIndex;
  private boolean startSent;
  private boolean finalSent;

  ResumedSink(EventSink target, Context targetContext, Context streamContext, long lastIndex, long requestedNanos) {
    this.target = target;
    this.requestedNanos = requestedNanos;
    this.targetContext = targetContext;
    this.streamContext = streamContext;
    this.lastIndex = lastIndex;
    this.startSent = lastIndex >= 0;
  }

  EventSink target() {
    return target;
  }

  /** When the resume was asked for ({@link System#nanoTime}), for its latency. */
  long requestedNanos() {
    return requestedNanos;
  }

  /** On the stream's context: this resume took over a stream that had no client. */
  void tookOverDetached() {
    wasDetached = true;
  }

  boolean wasDetached() {
    return wasDetached;
  }

  /** On the stream's context: sends {@code replay}, then what was held, and from now on passes events on. */
  void release(List<StreamEvent> replay) {
    List<StreamEvent> waiting = held;
    held = null;
    replay.forEach(this::deliver);
    waiting.forEach(this::deliver);
  }

  /** The resume failed before release: the events held so far, for the sink they should have gone to. */
  List<StreamEvent> abandon() {
    List<StreamEvent> waiting = held;
    held = List.of();
    return waiting;
  }

  @Override
  public String transport() {
    return target.transport();
  }

  @Override
  public void send(StreamEvent event) {
    if (held != null) {
      held.add(event);
    } else {
      deliver(event);
    }
  }

  private void deliver(StreamEvent event) {
    switch (event.kind()) {
      case STARTED -> {
        if (startSent) {
          return;
        }
        startSent = true;
      }
      case TOKEN, REASONING, TOOL_CALL -> {
        long index = ((StreamEvent.Indexed) event).index();
        if (index <= lastIndex) {
          return;
        }
        lastIndex = index;
      }
      case DONE, FAILED, CANCELLED -> {
        if (finalSent) {
          return;
        }
        finalSent = true;
      }
    }
    onTarget(() -> target.send(event));
  }

  @Override
  public boolean writeQueueFull() {
    // Read across contexts when the client lives elsewhere: a stale answer only delays a pause or resume.
    return held == null && target.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable callback) {
    onTarget(() -> target.onDrain(() -> onStream(callback)));
  }

  private void onTarget(Runnable action) {
    if (Vertx.currentContext() == targetContext) {
      action.run();
    } else {
      targetContext.runOnContext(v -> action.run());
    }
  }

  private void onStream(Runnable action) {
    if (Vertx.currentContext() == streamContext) {
      action.run();
    } else {
      streamContext.runOnContext(v -> action.run());
    }
  }
}
