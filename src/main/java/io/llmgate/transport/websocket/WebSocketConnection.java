package io.llmgate.transport.websocket;

import io.llmgate.auth.Authenticator;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.session.StreamService;
import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import io.llmgate.transport.ChatRequestParser;
import io.llmgate.transport.Command;
import io.llmgate.transport.ConnectionLimits;
import io.llmgate.transport.Connections;
import io.llmgate.transport.DrainWaiters;
import io.llmgate.transport.EventJson;
import io.llmgate.transport.StreamCommands;
import io.llmgate.transport.StrictTextMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One client WebSocket: it reads {@code {"event", "data"}} frames and answers each the way the Socket.IO
 * transport does, and it is the sink of every stream the client starts on it (several may run at once;
 * they share its backpressure). Lives on the socket's context only, so it needs no locks. Closing the
 * socket cancels the client's streams on it, upstream included.
 */
final class WebSocketConnection implements EventSink {
  static final String AUTH = "auth";
  static final String AUTHENTICATED = "auth:acknowledged";
  private static final String ERROR = StreamEvent.Kind.FAILED.eventName();
  private static final short POLICY_VIOLATION = 1008;

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final StreamService streams;
  private final StreamCommands commands;
  private final Authenticator authenticator;
  private final Connections connections;
  private final ConnectionLimits limits;
  private final DrainWaiters drain;
  private ConnectionLimits.Slot slot;
  private String user;
  private long authTimer = -1;
  private boolean closed;

  WebSocketConnection(Vertx vertx, ServerWebSocket ws, StreamCommands commands, Authenticator authenticator,
      Connections connections, ConnectionLimits limits) {
    this.vertx = vertx;
    this.ws = ws;
    this.streams = commands.streams();
    this.commands = commands;
    this.authenticator = authenticator;
    this.connections = connections;
    this.limits = limits;
    this.drain = new DrainWaiters(ws);
    connections.opened(WebSocketRoutes.TRANSPORT);
    StrictTextMessages.install(ws, this::onText);
    ws.binaryMessageHandler(binary -> refuse("", invalid("frame: binary (expected: a JSON text frame)")));
    ws.closeHandler(v -> onClose());
    ws.exceptionHandler(failure -> ws.close());
  }

  /** The upgrade request was authenticated by its header, and admitted. */
  void authenticated(ConnectionLimits.Slot admitted) {
    slot = admitted;
    user = admitted.user();
    if (closed) {
      slot.close(); // closed before it was admitted
    }
  }

  /** A browser: the first frame must be {@code auth}, within {@code timeout}. */
  void awaitAuthFrame(Duration timeout) {
    authTimer = vertx.setTimer(timeout.toMillis(), t -> {
      if (user == null) {
        unauthorized("unauthorized: no auth frame within " + (timeout.toMillis() % 1000 == 0
            ? timeout.toSeconds() + "s" : timeout.toMillis() + " ms"));
      }
    });
  }

  private void onText(String text) {
    WebSocketFrame frame;
    try {
      frame = WebSocketFrame.parse(text);
    } catch (GatewayException invalid) {
      refuse("", invalid);
      return;
    }
    if (user == null) {
      onFirstFrame(frame);
      return;
    }
    Optional<Command> command = Command.named(frame.event());
    if (command.isEmpty()) {
      refuseCounted(frame.data(), invalid(AUTH.equals(frame.event())
          ? "auth: already authenticated (expected: one auth frame)"
          : "event: " + ChatRequestParser.describe(frame.event()) + " (expected: " + Command.expected() + ")"));
      return;
    }
    Object payload = frame.data();
    commands.run(command.get(), user, payload, this)
        .onSuccess(reply -> write(command.get().acknowledgedName(), reply.encode()))
        .onFailure(failure -> refuse(ChatRequestParser.sessionIdOrEmpty(payload), GatewayException.from(failure)));
  }

  private void onFirstFrame(WebSocketFrame frame) {
    if (!AUTH.equals(frame.event())) {
      unauthorized("unauthorized: " + ChatRequestParser.describe(frame.event())
          + " before authentication (expected: a first {\"event\":\"auth\",\"data\":{\"token\":…}} frame)");
      return;
    }
    Object token = frame.data() instanceof JsonObject data ? data.getValue("token") : null;
    // Frames sent right after the auth frame wait until it is answered.
    ws.pause();
    authenticator.authenticate(token instanceof String text ? text : "").map(limits::admit).onComplete(result -> {
      if (result.failed()) {
        refuseConnection(GatewayException.from(result.cause()));
        return;
      }
      authenticated(result.result());
      if (closed) {
        return;
      }
      vertx.cancelTimer(authTimer);
      write(AUTHENTICATED, new JsonObject().put("user", user).put("timestamp", EventJson.timestamp(Instant.now()))
          .encode());
      ws.resume();
    });
  }

  /** A message that starts nothing still counts against the user's budget, as every client message does. */
  private void refuseCounted(Object payload, GatewayException failure) {
    String sessionId = ChatRequestParser.sessionIdOrEmpty(payload);
    Future<Void> admitted = streams.admit(user);
    admitted.onSuccess(ok -> refuse(sessionId, failure))
        .onFailure(limited -> refuse(sessionId, GatewayException.from(limited)));
  }

  private void unauthorized(String message) {
    refuseConnection(new GatewayException(ErrorCode.UNAUTHORIZED, message));
  }

  /** The error frame, then a close whose reason is the error's code ({@code unauthorized} …). */
  private void refuseConnection(GatewayException failure) {
    refuse("", failure);
    if (!closed) {
      ws.close(POLICY_VIOLATION, failure.code().wire());
    }
  }

  private void refuse(String sessionId, GatewayException failure) {
    if (!closed && ws.writeQueueFull()) {
      // Stream events wait for the client (backpressure); a refusal answers a client frame, so a client
      // that keeps sending and never reads would make the queued refusals grow without bound.
      ws.close(POLICY_VIOLATION, "client does not read its replies");
      return;
    }
    write(ERROR, EventJson.refusal(sessionId, failure));
  }

  @Override
  public String transport() {
    return WebSocketRoutes.TRANSPORT;
  }

  @Override
  public void send(StreamEvent event) {
    write(event.kind().eventName(), EventJson.payload(event));
  }

  private void write(String event, String data) {
    if (!closed) {
      ws.writeTextMessage(WebSocketFrame.encode(event, data));
    }
  }

  @Override
  public boolean writeQueueFull() {
    return !closed && drain.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable callback) {
    drain.onDrain(callback);
  }

  private void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(authTimer);
    connections.closed(WebSocketRoutes.TRANSPORT);
    if (slot != null) {
      slot.close();
    }
    if (user != null) {
      streams.disconnected(user, this);
    }
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST, message);
  }
}
