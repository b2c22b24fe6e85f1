package io.llmgate.provider.http;

import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.provider.frame.Framing;
import java.util.function.Consumer;

/**
 * Reads one provider's frames into normalized events (wire-formats.md §1). One instance per stream, used
 * on that stream's context only. It emits {@link UpstreamEvent.Opened} first, and
 * {@link UpstreamEvent.Finished} last and only on the provider's own end marker; an error the provider
 * reports, and an end without the marker, are thrown as {@code GatewayException}.
 *
 * @param <F> the frames its {@link #framing()} cuts the body into: {@code SseEvent} for every built-in provider
 */
public interface StreamDecoder<F> {

  /** How the upstream body is cut into frames ({@code SseDecoder::new} for server-sent events). */
  Framing<F> framing();

  /** One frame of the upstream body. */
  void onEvent(F frame, Consumer<UpstreamEvent> out);

  /**
   * The body ended. Emit what the end completes (Gemini ends at EOF) or throw a truncation; the tail
   * holds what the frame decoder kept after the last frame (Gemini's raw error JSON).
   */
  void onEnd(FrameDecoder.Tail tail, Consumer<UpstreamEvent> out);

  /** The stream is over, however it ended: no frame follows. Releases what the decoder holds for reading. */
  void close();
}
