package io.llmgate.provider.http;

import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.frame.Frame;
import io.llmgate.provider.frame.Framing;
import java.util.function.Consumer;

/**
 * What every decoder shares: its framing, its provider's name, the model asked for, reading frames into
 * the provider's wire type {@code W}, and emitting {@code Opened} once.
 */
public abstract class AbstractStreamDecoder<F, W> implements StreamDecoder<F> {
  protected final String provider;
  protected final String requestedModel;
  private final Framing<F> framing;
  private final FrameReader<W> frames;
  private boolean opened;

  protected AbstractStreamDecoder(Framing<F> framing, Class<W> wire, String provider, String requestedModel) {
    this.framing = framing;
    this.frames = new FrameReader<>(provider, wire);
    this.provider = provider;
    this.requestedModel = requestedModel;
  }

  /** One frame's data as the provider's wire type; a malformed-frame error when it is not. */
  protected final W read(Frame frame) {
    return frames.read(frame);
  }

  @Override
  public void close() {
    frames.close();
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
