package io.llmgate.provider.http;

import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.frame.Framing;
import java.util.function.Consumer;

/**
 * What every decoder shares: its framing, its provider's name, the model asked for, and emitting
 * {@code Opened} once.
 */
public abstract class AbstractStreamDecoder<F> implements StreamDecoder<F> {
  protected final String provider;
  protected final String requestedModel;
  private final Framing<F> framing;
  private boolean opened;

  protected AbstractStreamDecoder(Framing<F> framing, String provider, String requestedModel) {
    this.framing = framing;
    this.provider = provider;
    this.requestedModel = requestedModel;
  }

  @Override
  public final Framing<F> framing() {
    return framing;
  }

  /** Emits {@code Opened} the first time, naming the model the upstream reported, else the one asked for. */
  protected final void open(Consumer<UpstreamEvent> out, String reportedModel) {
    if (!opened) {
      opened = true;
      boolean reported = reportedModel != null && !reportedModel.isEmpty();
      out.accept(new UpstreamEvent.Opened(provider, reported ? reportedModel : requestedModel));
    }
  }

  protected static long orZero(Long count) {
    return count == null ? 0 : count;
  }
}
