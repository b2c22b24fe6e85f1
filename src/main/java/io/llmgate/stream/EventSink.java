package io.llmgate.stream;

/**
 * Where one client's stream events go (a Socket.IO socket, an SSE response, a WebSocket …). Called on the
 * sink's own Vert.x context. Backpressure: while {@link #writeQueueFull()} is true the stream pauses its
 * upstream read and resumes once a callback given to {@link #onDrain} runs.
 */
public interface EventSink {

  /** The transport's name for metrics and logs: socketio, websocket, sse, openai. */
  String transport();

  void send(StreamEvent event);

  boolean writeQueueFull();

  /** Runs {@code callback} once, the next time the write queue drains (or at once if it is not full). */
  void onDrain(Runnable callback);
}
