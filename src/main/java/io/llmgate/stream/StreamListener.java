package io.llmgate.stream;

import io.llmgate.error.ErrorCode;

/**
 * Observes every stream without being part of it: metrics and logs implement this so that provider and
 * transport code never touch a metrics API. Called on the stream's context; must be cheap and never block.
 *
 * <p>A stream asks {@link #forStream} once, as OkHttp's {@code EventListener.Factory} is asked per call,
 * and makes every call about itself on the listener it got: what a listener keeps about one stream (when
 * it started, its last token) lives in that object, not in a map keyed by stream looked up on each token.
 */
public interface StreamListener {

  StreamListener NONE = new StreamListener() {};

  /** Who a stream is for and how it travels; the same instance for every call about one stream. */
  record StreamInfo(String user, ChatRequest request, String transport) {}

  /**
   * The listener of {@code stream}'s calls, asked once before the first of them; this one by default, for
   * a listener that keeps nothing per stream.
   */
  default StreamListener forStream(StreamInfo stream) {
    return this;
  }

  /** A stream was accepted and its upstream is being opened. */
  default void accepted(StreamInfo stream) {}

  /** An event went to the client, {@code relayNanos} after its upstream event arrived (0 if none did). */
  default void sent(StreamInfo stream, StreamEvent event, long relayNanos) {}

  /** The final event went out and the upstream was released. */
  default void closed(StreamInfo stream, StreamEvent finalEvent) {}

  /** {@code provider} failed before the first token with {@code code} and is being tried again. */
  default void retried(StreamInfo stream, String provider, ErrorCode code) {}

  /** {@code from} failed before the first token with {@code code}; the stream falls back to {@code to}. */
  default void fellBack(StreamInfo stream, String from, String to, ErrorCode code) {}

  /**
   * A cancelled stream's upstream connection is closed, {@code cancelToCloseNanos} after the cancel (the
   * client's request or its disconnect) reached the stream service.
   */
  default void upstreamClosed(StreamInfo stream, long cancelToCloseNanos) {}

  /** A client message was refused before any stream started (rate limit, validation, limits …). */
  default void refused(String transport, ErrorCode code) {}

  /** The stream's client disconnected; it runs on without one for its grace period. */
  default void detached(StreamInfo stream) {}

  /**
   * A client resumed the running stream: {@code fromDetached} when it had no client, {@code latencyNanos}
   * from the resume request to the missed events handed to the client's transport.
   */
  default void resumed(StreamInfo stream, boolean fromDetached, long latencyNanos) {}

  /** Nobody resumed the detached stream within its grace ({@code detachedNanos} ago); it is being cancelled. */
  default void expired(StreamInfo stream, long detachedNanos) {}

  /** Fans one call out to several listeners (metrics and logs). */
  static StreamListener all(StreamListener... listeners) {
    return new CompositeStreamListener(java.util.List.of(listeners));
  }
}
