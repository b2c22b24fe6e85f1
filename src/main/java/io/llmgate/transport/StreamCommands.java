package io.llmgate.transport;

import io.llmgate.session.ChatRequestParser;
import io.llmgate.session.StreamService;
import io.llmgate.stream.EventSink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A client's stream commands, dispatched once for the transports that carry them as messages (Socket.IO and
 * {@code /ws}): each runs on the stream service and completes with its acknowledgement's payload, or fails
 * with why it was refused, which the transport sends as {@code llm:stream:error}. They differ only in how they
 * write the answer.
 */
public final class StreamCommands {
  private final StreamService streams;

  public StreamCommands(StreamService streams) {
    this.streams = streams;
  }

  /** Runs {@code command} for {@code user}; a started or resumed stream sends its events to {@code sink}. */
  public Future<JsonObject> run(Command command, String user, Object payload, EventSink sink) {
    return switch (command) {
      case CHAT -> streams.start(user, payload, sink).map(EventJson::acknowledged);
      case CANCEL -> streams.cancel(user, payload).map(cancelled ->
          EventJson.cancelAcknowledged(ChatRequestParser.sessionIdOrEmpty(payload), cancelled, Instant.now()));
      case RESUME -> streams.resume(user, payload, sink).map(EventJson::resumed);
    };
  }
}
