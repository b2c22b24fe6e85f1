package io.llmgate.provider.http;

import io.llmgate.provider.UpstreamEvent;
import java.util.function.Consumer;

/** What every decoder shares: its provider's name, the model asked for, and emitting {@code Opened} once. */
public abstract class AbstractStreamDecoder implements StreamDecoder {
  protected final String provider;
  protected final String requestedModel;
  private boolean opened;

  protected AbstractStreamDecoder(String provider, String requestedModel) {
    this.provider = provider;
    this.requestedModel = requestedModel;
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
