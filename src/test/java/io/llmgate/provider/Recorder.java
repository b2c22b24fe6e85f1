package io.llmgate.provider;

import io.llmgate.error.GatewayException;
import io.llmgate.stream.ChatRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens a provider stream on a Vert.x context and records everything it emits, like OkHttp's
 * EventSourceRecorder: tests assert the exact sequence, and that nothing arrived after the end.
 */
public final class Recorder {
  public final List<UpstreamEvent> events = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final CompletableFuture<GatewayException> failed = new CompletableFuture<>();
  private final CompletableFuture<Long> cancelledAt = new CompletableFuture<>();
  private final CompletableFuture<Long> upstreamClosedAt = new CompletableFuture<>();
  private final Context context;
  private volatile ProviderStream stream;
  private volatile int afterEnd;

  private Recorder(Context context) {
    this.context = context;
  }

  public static Recorder open(Vertx vertx, ChatProvider provider, ChatRequest request) {
    return open(vertx.getOrCreateContext(), provider, request);
  }

  /** Opened on {@code context}, whose event loop then runs the stream (and its upstream client). */
  public static Recorder open(Context context, ChatProvider provider, ChatRequest request) {
    Recorder recorder = new Recorder(context);
    CompletableFuture<Void> opened = new CompletableFuture<>();
    recorder.context.runOnContext(v -> {
      recorder.stream = provider.open(request);
      recorder.stream.exceptionHandler(e -> recorder.onEnd(() -> recorder.failed.complete(GatewayException.from(e))));
      recorder.stream.endHandler(e -> recorder.onEnd(() -> recorder.ended.complete(null)));
      recorder.stream.observer(new UpstreamObserver() {
        @Override
        public void connectionClosed() {
          recorder.upstreamClosedAt.complete(System.nanoTime());
        }
      });
      recorder.stream.handler(event -> {
        if (recorder.ended.isDone() || recorder.failed.isDone() || recorder.cancelledAt.isDone()) {
          recorder.afterEnd++;
        }
        recorder.events.add(event);
      });
      opened.complete(null);
    });
    await(opened);
    return recorder;
  }

  private void onEnd(Runnable complete) {
    if (ended.isDone() || failed.isDone() || cancelledAt.isDone()) {
      afterEnd++;
    }
    complete.run();
  }

  /** Cancels on the stream's context; returns the {@code System.nanoTime()} just before cancel(). */
  public long cancel() {
    context.runOnContext(v -> {
      cancelledAt.complete(System.nanoTime());
      stream.cancel();
    });
    return await(cancelledAt);
  }

  /**
   * Waits for the stream to report, after its cancel, that its upstream connection is closed or was never
   * opened (what the cancel-latency metric times); the {@code System.nanoTime()} it did.
   */
  public long awaitUpstreamClosed() {
    return await(upstreamClosedAt);
  }

  public void pause() {
    onContext(() -> stream.pause());
  }

  public void resume() {
    onContext(() -> stream.resume());
  }

  private void onContext(Runnable action) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      action.run();
      done.complete(null);
    });
    await(done);
  }

  public Recorder awaitEnd() {
    try {
      CompletableFuture.anyOf(ended, failed).get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("stream neither ended nor failed within 15 s; events: " + events, e);
    }
    if (failed.isDone()) {
      throw new AssertionError("stream failed: " + failed.join().code() + " " + failed.join().getMessage(), failed.join());
    }
    return this;
  }

  public GatewayException awaitFailure() {
    try {
      CompletableFuture.anyOf(ended, failed).get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("stream neither ended nor failed within 15 s; events: " + events, e);
    }
    if (ended.isDone()) {
      throw new AssertionError("stream ended normally, expected a failure; events: " + events);
    }
    return failed.join();
  }

  public boolean isOver() {
    return ended.isDone() || failed.isDone();
  }

  /** Events or endings delivered after the stream had already ended, failed or been cancelled. */
  public int afterEnd() {
    return afterEnd;
  }

  public List<String> texts() {
    return ofKind(UpstreamEvent.TextDelta.class).stream().map(UpstreamEvent.TextDelta::text).toList();
  }

  public List<String> reasonings() {
    return ofKind(UpstreamEvent.ReasoningDelta.class).stream().map(UpstreamEvent.ReasoningDelta::text).toList();
  }

  /** How many text and reasoning deltas arrived. */
  public int deltas() {
    return texts().size() + reasonings().size();
  }

  public <T extends UpstreamEvent> List<T> ofKind(Class<T> type) {
    synchronized (events) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  public List<UpstreamEvent> snapshot() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
