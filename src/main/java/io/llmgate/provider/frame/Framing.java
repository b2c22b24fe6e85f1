package io.llmgate.provider.frame;

import java.util.function.Consumer;

/**
 * How an upstream body is cut into frames of type {@code F}: server-sent events (SSE's decoder, what
 * every built-in provider streams), JSON lines (Ollama's native API), or another framing such as AWS
 * event-stream. A provider's stream decoder names its framing; the HTTP plumbing makes one decoder per
 * stream and feeds it the body.
 */
@FunctionalInterface
public interface Framing<F> {
  /** A decoder for one stream, giving each frame to {@code frames}. */
  FrameDecoder open(Consumer<F> frames);
}
