package io.llmgate.transport;

import io.vertx.core.json.JsonObject;

/**
 * How the transport contract suite drives one transport: send an {@code llm:chat:stream} request the way
 * this transport's clients do, and translate what comes back into protocol events. One adapter per
 * transport (WebSocket, SSE, OpenAI API, and Socket.IO).
 */
public interface TransportClient extends AutoCloseable {

  /** Starts a stream; refusals (HTTP status, rejected upgrade …) arrive as an {@code llm:stream:error}. */
  ClientStream start(String token, JsonObject request) throws Exception;

  /** False where the transport has no cancel message of its own (the OpenAI API: the client aborts). */
  default boolean canCancel() {
    return true;
  }

  /** False where events are translated from another format (OpenAI chunks) rather than the payloads. */
  default boolean carriesProtocolPayloads() {
    return true;
  }

  @Override
  default void close() {}

  /** One started stream, as its client sees it. */
  interface ClientStream {
    EventRecorder events();

    /** Asks the server to cancel, the transport's way. */
    void cancel() throws Exception;

    /** Drops the connection without a word, like a closed tab or a killed process. */
    void disconnect() throws Exception;

    /** Stops reading from the connection, like a client on a slow network; bytes pile up in between. */
    void pauseReading();

    void resumeReading();
  }
}
