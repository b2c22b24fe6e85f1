package io.llmgate.provider.local;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a {@link TokenSource} one token at a time on a worker thread and emits each piece on the stream's
 * context, paced by {@code tokenDelay}. Demand-driven: while paused no next token is computed, so a slow
 * client costs no CPU; cancel takes effect between tokens (the token in flight is dropped).
 */
final class LocalStream implements ProviderStream {
  private final Context context;
  private final Duration tokenDelay;
  private final String providerName;
  private final String model;
  private final Supplier<TokenSource> sourceFactory;

  private Handler<UpstreamEvent> handler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;
  private TokenSource source;
  private boolean paused;
  private boolean computing;
  private boolean ended;
  private long pacingTimer = -1;

  LocalStream(Context context, Duration tokenDelay, String providerName, String model,
      Supplier<TokenSource> sourceFactory) {
    this.context = context;
    this.tokenDelay = tokenDelay;
    this.providerName = providerName;
    this.model = model;
    this.sourceFactory = sourceFactory;
  }

  /** Starts on the next turn so the caller can set handlers first. */
  LocalStream begin() {
    context.runOnContext(v -> compute(() -> {
      source = sourceFactory.get();
      return null;
    }, ignored -> {
      emit(new UpstreamEvent.Opened(providerName, model));
      scheduleNext();
    }));
    return this;
  }

  private void scheduleNext() {
    if (ended || paused || computing || pacingTimer != -1) {
      return;
    }
    compute(source::next, piece -> {
      if (piece.isPresent()) {
        emit(new UpstreamEvent.TextDelta(piece.get()));
        pace();
      } else {
        finish();
      }
    });
  }

  private void pace() {
    if (tokenDelay.isZero()) {
      scheduleNext();
      return;
    }
    pacingTimer = context.owner().setTimer(tokenDelay.toMillis(), t -> {
      pacingTimer = -1;
      scheduleNext();
    });
  }

  private <T> void compute(java.util.concurrent.Callable<T> work, Handler<T> then) {
    computing = true;
    context.executeBlocking(work, false).onComplete(result -> {
      computing = false;
      if (ended) {
        return;
      }
      if (result.failed()) {
        fail(result.cause());
      } else {
        then.handle(result.result());
      }
    });
  }

  private void finish() {
    emit(new UpstreamEvent.UsageReport(source.usage()));
    emit(new UpstreamEvent.Finished(source.finishReason()));
    ended = true;
    if (endHandler != null) {
      endHandler.handle(null);
    }
  }

  private void fail(Throwable cause) {
    ended = true;
    if (exceptionHandler != null) {
      exceptionHandler.handle(cause instanceof GatewayException known ? known
          : new GatewayException(ErrorCode.INTERNAL, "local model failed: " + cause.getMessage()));
    }
  }

  private void emit(UpstreamEvent event) {
    if (!ended && handler != null) {
      handler.handle(event);
    }
  }

  @Override
  public LocalStream handler(Handler<UpstreamEvent> h) {
    handler = h;
    return this;
  }

  @Override
  public LocalStream exceptionHandler(Handler<Throwable> h) {
    exceptionHandler = h;
    return this;
  }

  @Override
  public LocalStream endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }

  @Override
  public LocalStream pause() {
    paused = true;
    return this;
  }

  @Override
  public LocalStream resume() {
    paused = false;
    if (source != null) {
      scheduleNext();
    }
    return this;
  }

  @Override
  public LocalStream fetch(long amount) {
    return amount > 0 ? resume() : this;
  }

  @Override
  public void cancel() {
    ended = true;
    if (pacingTimer != -1) {
      context.owner().cancelTimer(pacingTimer);
      pacingTimer = -1;
    }
  }
}
