package io.llmgate.provider;

import io.vertx.core.Handler;

/**
 * The handler bookkeeping every {@link ProviderStream} needs, so implementations hold only their logic.
 * Not thread-safe: a provider stream lives on one context.
 */
public abstract class AbstractProviderStream implements ProviderStream {
  private Handler<UpstreamEvent> handler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;
  private UpstreamObserver observer = UpstreamObserver.NONE;

  protected final UpstreamObserver observer() {
    return observer;
  }

  @Override
  public ProviderStream observer(UpstreamObserver observer) {
    this.observer = observer;
    return this;
  }

  protected final void emitEvent(UpstreamEvent event) {
    if (handler != null) {
      handler.handle(event);
    }
  }

  protected final void emitFailure(Throwable failure) {
    if (exceptionHandler != null) {
      exceptionHandler.handle(failure);
    }
  }

  protected final void emitEnd() {
    if (endHandler != null) {
      endHandler.handle(null);
    }
  }

  @Override
  public final ProviderStream handler(Handler<UpstreamEvent> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public final ProviderStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public final ProviderStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
