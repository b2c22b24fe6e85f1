package io.llmgate.transport.socketio.chat;

import io.llmgate.auth.Authenticator;
import io.llmgate.error.GatewayException;
import io.llmgate.session.ResumeRequest;
import io.llmgate.session.StreamService;
import io.llmgate.stream.StreamEvent;
import io.llmgate.transport.ChatRequestParser;
import io.llmgate.transport.Command;
import io.llmgate.transport.ConnectionLimits;
import io.llmgate.transport.Connections;
import io.llmgate.transport.EventJson;
import io.llmgate.transport.StreamCommands;
import io.llmgate.transport.socketio.Ack;
import io.llmgate.transport.socketio.SocketIoNamespace;
import io.llmgate.transport.socketio.SocketIoSocket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Binds the protocol.md Socket.IO events to the stream service: the one place where Socket.IO meets
 * llmgate. Authentication happens at CONNECT (a refused token becomes a {@code connect_error} whose
 * message says why); each socket then carries any number of independent streams.
 */
public final class SocketIoChatHandler {
  static final String TRANSPORT = "socketio";

  /** The reason of a client's own {@code socket.disconnect()}: unlike a dropped transport, never resumed. */
  private static final String LEFT_ON_PURPOSE = "client namespace disconnect";
  private static final String ERROR = StreamEvent.Kind.FAILED.eventName();

  private final StreamService streams;
  private final StreamCommands commands;
  private final Authenticator authenticator;
  private final Connections connections;
  private final ConnectionLimits limits;

  public SocketIoChatHandler(StreamCommands commands, Authenticator authenticator, Connections connections,
      ConnectionLimits limits) {
    this.streams = commands.streams();
    this.commands = commands;
    this.authenticator = authenticator;
    this.connections = connections;
    this.limits = limits;
  }

  /** The principal is the user's connection slot, which the namespace frees when the socket ends. */
  public void bind(SocketIoNamespace namespace) {
    namespace.authHandler(auth -> authenticator
        .authenticate(auth.getValue("token") instanceof String token ? token : null)
        .map(limits::admit));
    namespace.connectionHandler(this::connected);
  }

  private void connected(SocketIoSocket socket) {
    String user = socket.principal(ConnectionLimits.Slot.class).user();
    SocketSink sink = new SocketSink(socket,
        socket.recovered() && socket.data() instanceof OpenStreams open ? open : new OpenStreams());
    socket.data(sink.open());
    connections.opened(TRANSPORT);
    for (Command command : Command.values()) {
      socket.on(command.eventName(), (args, ack) -> run(command, socket, user, sink, first(args), ack));
    }
    socket.disconnectHandler(reason -> {
      connections.closed(TRANSPORT);
      if (LEFT_ON_PURPOSE.equals(reason)) {
        streams.abandoned(user, sink); // socket.disconnect(): the client said it is done, nothing to resume
      } else {
        streams.disconnected(user, sink);
      }
    });
    if (socket.recovered()) {
      sink.open().snapshot().forEach((sessionId, lastIndex) -> takeBack(socket, user, sink, sessionId, lastIndex));
    }
  }

  /**
   * Connection state recovery brought the socket back: its outgoing log already re-sent what the drop lost
   * on the way, so each stream it had open resumes after the last index the socket was handed, live if it
   * still runs. A stream that cannot be resumed any more ends with its error, not in silence.
   */
  private void takeBack(SocketIoSocket socket, String user, SocketSink sink, String sessionId, long lastIndex) {
    streams.resume(user, Future.succeededFuture(new ResumeRequest(sessionId, lastIndex)), sink)
        .onFailure(cause -> socket.emit(ERROR, error(sessionId, cause)));
  }

  /** The acknowledgement or the refusal goes out as an event, and to the client's ack callback if it sent one. */
  private void run(Command command, SocketIoSocket socket, String user, SocketSink sink, Object payload,
      Optional<Ack> ack) {
    commands.run(command, user, payload, sink).onComplete(result -> {
      JsonObject reply = result.succeeded() ? result.result()
          : error(ChatRequestParser.sessionIdOrEmpty(payload), result.cause());
      socket.emit(result.succeeded() ? command.acknowledgedName() : ERROR, reply);
      ack.ifPresent(callback -> callback.send(reply));
    });
  }

  /** A refusal in the shape of {@code llm:stream:error}, so clients handle it like any stream error. */
  private static JsonObject error(String sessionId, Throwable cause) {
    GatewayException failure = GatewayException.from(cause);
    return EventJson.toJsonObject(new StreamEvent.Failed(sessionId,
        failure.code(), failure.getMessage(), failure.retryable(), Instant.now()));
  }

  private static Object first(List<Object> args) {
    return args.isEmpty() ? null : args.get(0);
  }
}
