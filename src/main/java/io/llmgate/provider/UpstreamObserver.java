package io.llmgate.provider;

import io.llmgate.error.ErrorCode;

/**
 * What a {@link ProviderStream} reports beyond its events, for metrics and logs only: the client never
 * sees it. Keeps provider code free of any metrics API (the stream session forwards these to its
 * {@code StreamListener}). Called on the stream's context; must be cheap and never block.
 */
public interface UpstreamObserver {

  UpstreamObserver NONE = new UpstreamObserver() {};

  /** {@code provider} failed before its first token with {@code code} and will be tried again. */
  default void retrying(String provider, ErrorCode code) {}

  /** {@code from} failed before its first token with {@code code}; {@code to} is tried next. */
  default void fallingBack(String from, String to, ErrorCode code) {}

  /**
   * After {@link ProviderStream#cancel()}, the upstream connection is actually closed (or was never
   * opened): the provider can no longer send, so it stops generating and billing.
   */
  default void connectionClosed() {}
}
