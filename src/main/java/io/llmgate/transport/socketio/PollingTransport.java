package io.llmgate.transport.socketio;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.Consumer;

/**
 * The HTTP long-polling side of one session: at most one GET is held open until the session has
 * something to send. Touched only on the session's context.
 */
final class PollingTransport {

  private static final String TEXT_PLAIN = "text/plain; charset=UTF-8";

  private final Consumer<Runnable> onSessionContext;
  private final Runnable onDropped;
  private HttpServerResponse pendingGet;

  /**
   * {@code onSessionContext} runs a task on the session's context; {@code onDropped} is told there when
   * the client drops a held poll.
   */
  PollingTransport(Consumer<Runnable> onSessionContext, Runnable onDropped) {
    this.onSessionContext = onSessionContext;
    this.onDropped = onDropped;
  }

  boolean hasPendingGet() {
    return pendingGet != null;
  }

  /** Holds a GET until {@link #respond} or {@link #release}. */
  void hold(HttpServerResponse response) {
    pendingGet = response;
    // A client that drops its poll is gone (Engine.IO: "poll connection closed prematurely").
    response.closeHandler(v -> onSessionContext.accept(() -> onClosed(response)));
  }

  private void onClosed(HttpServerResponse response) {
    if (pendingGet == response) {
      pendingGet = null;
      onDropped.run();
    }
  }

  /** Answers the held GET with these packets. */
  void respond(List<EnginePacket> packets) {
    HttpServerResponse response = pendingGet;
    pendingGet = null;
    write(response, PollingPayload.encode(packets));
  }

  /** Answers the held GET, if any, with one packet (NOOP or CLOSE) so the client moves on. */
  void release(EnginePacket packet) {
    if (pendingGet != null) {
      respond(List.of(packet));
    }
  }

  static void write(HttpServerResponse response, String body) {
    if (!response.ended() && !response.closed()) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end(body);
    }
  }
}
