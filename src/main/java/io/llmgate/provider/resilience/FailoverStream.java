package io.llmgate.provider.resilience;

import io.llmgate.error.GatewayException;
import io.llmgate.provider.AbstractProviderStream;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.UpstreamObserver;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link ProviderStream} that may replace its upstream until the first token: the one mechanism behind
 * both retries and fallback. It holds back {@link UpstreamEvent.Opened} until the first event that would
 * reach the client, so a failed attempt leaves no trace there and {@code Opened} names the provider that
 * actually answered. From that event on it is committed, and a failure goes to the client as it is:
 * once a token went out, a silent restart would repeat or garble text. Runs on the opener's context.
 */
final class FailoverStream extends AbstractProviderStream {

  /** What to do after an attempt failed before its first token. */
  interface Plan {
    ProviderStream first();

    /** The next attempt after {@code failure}, or empty to give up. */
    Optional<Attempt> next(GatewayException failure);

    /** What the reader is told when the plan gives up after {@code last}. */
    default GatewayException giveUp(GatewayException last) {
      return last;
    }
  }

  /** The next try: after {@code delay}, {@code open} it; {@code report} tells the observer what it is. */
  record Attempt(Duration delay, Supplier<ProviderStream> open, Consumer<UpstreamObserver> report) {}

  private final RetryTimer timer;
  private final Plan plan;
  private ProviderStream current;
  private UpstreamEvent heldOpened;
  private boolean committed;
  private boolean cancelled;
  private boolean paused;
  private Runnable cancelWait = () -> {};

  private FailoverStream(RetryTimer timer, Plan plan) {
    this.timer = timer;
    this.plan = plan;
  }

  /** Opens {@code plan}'s first attempt; {@code timer} waits out each next attempt's delay. */
  static ProviderStream open(Plan plan, RetryTimer timer) {
    if (Vertx.currentContext() == null) {
      throw new IllegalStateException("open() outside a Vert.x context (expected: on a context)");
    }
    FailoverStream stream = new FailoverStream(timer, plan);
    stream.attach(plan.first());
    return stream;
  }

  private void attach(ProviderStream attempt) {
    current = attempt;
    attempt.observer(observer());
    attempt.exceptionHandler(this::onFailure);
    attempt.endHandler(v -> emitEnd());
    attempt.handler(this::onEvent);
    if (paused) {
      attempt.pause();
    }
  }

  private void onEvent(UpstreamEvent event) {
    if (cancelled) {
      return;
    }
    if (!committed) {
      if (event.kind() == UpstreamEvent.Kind.OPENED) {
        heldOpened = event;
        return;
      }
      committed = true;
      if (heldOpened != null) {
        emitEvent(heldOpened);
      }
    }
    emitEvent(event);
  }

  private void onFailure(Throwable cause) {
    if (cancelled) {
      return;
    }
    GatewayException failure = GatewayException.from(cause);
    if (committed) {
      emitFailure(failure);
      return;
    }
    Optional<Attempt> next = plan.next(failure);
    if (next.isEmpty()) {
      emitFailure(plan.giveUp(failure));
      return;
    }
    current = null;
    heldOpened = null;
    next.get().report().accept(observer());
    cancelWait = timer.schedule(next.get().delay(), () -> {
      cancelWait = () -> {};
      if (!cancelled) {
        attach(next.get().open().get());
      }
    });
  }

  @Override
  public ProviderStream observer(UpstreamObserver observer) {
    super.observer(observer);
    if (current != null) {
      current.observer(observer);
    }
    return this;
  }

  @Override
  public void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    cancelWait.run();
    if (current != null) {
      current.cancel();
    } else {
      observer().connectionClosed(); // between attempts: no connection is open
    }
  }

  @Override
  public ProviderStream pause() {
    paused = true;
    if (current != null) {
      current.pause();
    }
    return this;
  }

  @Override
  public ProviderStream resume() {
    paused = false;
    if (current != null) {
      current.resume();
    }
    return this;
  }

  @Override
  public ProviderStream fetch(long amount) {
    paused = false;
    if (current != null) {
      current.fetch(amount);
    }
    return this;
  }
}
