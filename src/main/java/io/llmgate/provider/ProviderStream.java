package io.llmgate.provider;

import io.vertx.core.streams.ReadStream;

/**
 * One upstream generation as a Vert.x {@link ReadStream}: {@code pause()} stops reading the upstream body
 * so a slow client slows the provider instead of filling memory. Handlers are called on the context that
 * opened the stream. Failures reach the exception handler as a {@code GatewayException}.
 */
public interface ProviderStream extends ReadStream<UpstreamEvent> {

  /**
   * Aborts the upstream request at once, in whatever phase it is (connecting, waiting for headers,
   * streaming), so the provider stops generating and billing. No handler is called afterwards.
   * Idempotent, and harmless after the stream ended.
   */
  void cancel();

  /**
   * Sets who hears about retries, fallbacks and the closing of the upstream connection after
   * {@link #cancel()}. Set it right after {@code open}, before the stream's first event. A stream with no
   * connection of its own (the embedded model) may ignore it.
   */
  default ProviderStream observer(UpstreamObserver observer) {
    return this;
  }
}
