package io.llmgate.testing;

import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One scripted upstream read: sends its {@link Script.Step}s one at a time, each after its own delay, and
 * stops while paused, like a real upstream read under backpressure. A failure step ends it through the
 * exception handler. It records when each step went out, how often it was paused and whether it was
 * cancelled, so tests can prove that backpressure and cancellation reached the upstream. The stream
 * service only pauses and resumes, so {@code fetch} resumes whatever the amount.
 */
public class Playback implements ProviderStream {
  private final Vertx vertx;
  private final List<Script.Step> remaining;
  private final List<Long> sentAtNanos = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  private final CompletableFuture<Void> pausedOnce = new CompletableFuture<>();
  private volatile int pauses;
  private Handler<UpstreamEvent> handler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;
  private boolean paused;
  // At most one timer is pending, so a pause and resume between two steps cannot start a second sender.
  private boolean scheduled;
  private boolean ended;

  Playback(Vertx vertx, List<Script.Step> steps) {
    this.vertx = vertx;
    this.remaining = new ArrayList<>(steps);
  }

  /** When each script step went out to the stream service, in order. */
  public List<Long> sentAtNanos() {
    return List.copyOf(sentAtNanos);
  }

  public boolean isCancelled() {
    return cancelled.isDone();
  }

  /** How many times the stream service paused this read. */
  public int pauses() {
    return pauses;
  }

  public void awaitCancelled(Duration timeout) throws Exception {
    cancelled.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until the stream service paused this upstream read (backpressure from a slow client). */
  public void awaitPaused(Duration timeout) throws Exception {
    pausedOnce.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** What goes out in place of {@code event}; a subclass may rewrite it as its upstream would. */
  protected UpstreamEvent answer(UpstreamEvent event) {
    return event;
  }

  /** Starts sending; called once the stream is handed out, so the caller sets its handlers before the first step. */
  final void start() {
    scheduleNext();
  }

  private void scheduleNext() {
    if (scheduled || paused || ended || cancelled.isDone()) {
      return;
    }
    scheduled = true;
    long delay = remaining.isEmpty() ? 1 : Math.max(1, remaining.get(0).delayMs());
    vertx.setTimer(delay, t -> {
      scheduled = false;
      next();
    });
  }

  private void next() {
    if (paused || ended || cancelled.isDone()) {
      return;
    }
    if (remaining.isEmpty()) {
      ended = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
      return;
    }
    Object item = remaining.remove(0).item();
    sentAtNanos.add(System.nanoTime());
    if (item instanceof Throwable failure) {
      ended = true;
      exceptionHandler.handle(failure);
      return;
    }
    handler.handle(answer((UpstreamEvent) item));
    scheduleNext();
  }

  @Override
  public ProviderStream exceptionHandler(Handler<Throwable> h) {
    exceptionHandler = h;
    return this;
  }

  @Override
  public ProviderStream handler(Handler<UpstreamEvent> h) {
    handler = h;
    return this;
  }

  @Override
  public ProviderStream pause() {
    paused = true;
    pauses++;
    pausedOnce.complete(null);
    return this;
  }

  @Override
  public ProviderStream resume() {
    paused = false;
    scheduleNext();
    return this;
  }

  @Override
  public ProviderStream fetch(long amount) {
    return resume();
  }

  @Override
  public ProviderStream endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }

  @Override
  public void cancel() {
    cancelled.complete(null);
  }
}
