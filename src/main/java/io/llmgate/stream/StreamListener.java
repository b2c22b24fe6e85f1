package io.llmgate.stream;

/**
 * Observes every stream without being part of it: metrics and logs implement this so that provider and
 * transport code never touch a metrics API. Called on the stream's context; must not block.
 */
public interface StreamListener {

  StreamListener NONE = new StreamListener() {};

  /** A stream was accepted and its upstream is being opened. */
  default void accepted(String user, ChatRequest request) {}

  /** An event went to the client (final events included). */
  default void sent(String user, ChatRequest request, StreamEvent event) {}

  /** {@code sent} for a final event is followed by this once the upstream is released. */
  default void closed(String user, ChatRequest request, StreamEvent finalEvent) {}
}
