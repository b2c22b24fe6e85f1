package io.llmgate.provider.http;

import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.sse.SseDecoder;
import io.llmgate.provider.sse.SseEvent;
import java.util.function.Consumer;

/**
 * Reads one provider's frames into normalized events (wire-formats.md §1). One instance per stream, used
 * on that stream's context only. It emits {@link UpstreamEvent.Opened} first, and
 * {@link UpstreamEvent.Finished} last and only on the provider's own end marker; an error the provider
 * reports, and an end without the marker, are thrown as {@code GatewayException}.
 */
public interface StreamDecoder {

  /** One SSE event from the upstream body. */
  void onEvent(SseEvent event, Consumer<UpstreamEvent> out);

  /**
   * The body ended. Emit what the end completes (Gemini ends at EOF) or throw a truncation; the tail
   * holds any unframed text the SSE decoder kept (Gemini's raw error JSON).
   */
  void onEnd(SseDecoder.Tail tail, Consumer<UpstreamEvent> out);
}
