package io.llmgate.transport;

import io.llmgate.session.StartRequest;
import io.llmgate.session.StreamService;
import io.llmgate.stream.Acknowledged;
import io.llmgate.stream.EventSink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A client's stream commands, read and dispatched once for every transport: each payload is read here into
 * its typed request (the stream service never sees the wire JSON) and run on the stream service, which
 * completes with the acknowledgement's payload. Socket.IO and {@code /ws} carry commands as messages, SSE as
 * {@code POST /v1/streams} (a chat, or with {@code Last-Event-ID} a resume) and {@code DELETE}; they differ
 * only in how they write the answer. A refusal is a failed future, which each transport writes its own way
 * ({@code llm:stream:error}, an HTTP status).
 */
public final class StreamCommands {
  private final StreamService streams;
  private final ChatRequestParser parser;

  public StreamCommands(StreamService streams, ChatRequestParser parser) {
    this.streams = streams;
    this.parser = parser;
  }

  /** The service the commands run on, for what a connection tells it beyond them (it left, it is admitted). */
  public StreamService streams() {
    return streams;
  }

  /** Runs {@code command} for {@code user}; a started or resumed stream sends its events to {@code sink}. */
  public Future<JsonObject> run(Command command, String user, Object payload, EventSink sink) {
    return switch (command) {
      case CHAT -> start(user, () -> parser.start(payload), sink).map(EventJson::acknowledged);
      case CANCEL -> cancelled(user, payload);
      case RESUME -> streams.resume(user, read(() -> parser.resume(payload)), sink).map(EventJson::resumed);
    };
  }

  /**
   * Starts the stream {@code chat} reads, for a route that reads its API's own request (OpenAI's); a
   * refusal of {@code chat} meets the checks every message meets first.
   */
  public Future<Acknowledged> start(String user, Supplier<StartRequest> chat, EventSink sink) {
    return streams.start(user, read(chat), sink);
  }

  /** A cancel, which needs no connection: its acknowledgement says whether a running stream was stopped. */
  public Future<JsonObject> cancelled(String user, Object payload) {
    return streams.cancel(user, read(() -> parser.cancel(payload))).map(cancelled ->
        EventJson.cancelAcknowledged(ChatRequestParser.sessionIdOrEmpty(payload), cancelled, Instant.now()));
  }

  /** The request, or why it could not be read: the service refuses it after the checks every message meets. */
  private static <T> Future<T> read(Supplier<T> parse) {
    try {
      return Future.succeededFuture(parse.get());
    } catch (RuntimeException unreadable) {
      return Future.failedFuture(unreadable);
    }
  }
}
