package io.llmgate.transport.sse;

import io.llmgate.auth.Authenticator;
import io.llmgate.config.ApiConfig;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.session.StreamService;
import io.llmgate.transport.AuthenticatedBody;
import io.llmgate.transport.Bearer;
import io.llmgate.transport.ChatRequestParser;
import io.llmgate.transport.Command;
import io.llmgate.transport.Connections;
import io.llmgate.transport.ErrorStatus;
import io.llmgate.transport.EventJson;
import io.llmgate.transport.EventStreamResponse;
import io.llmgate.transport.JsonBody;
import io.llmgate.transport.ResponseLifetime;
import io.llmgate.transport.StreamCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The protocol's events as Server-Sent Events, for clients without Socket.IO: {@code POST /v1/streams}
 * with an {@code llm:chat:stream} body answers with the event stream; {@code DELETE /v1/streams/{id}}
 * cancels; a client that closes the connection cancels too. A refused request gets an HTTP error status
 * whose JSON body is the {@code llm:stream:error} payload, so nothing is streamed for it.
 */
public final class SseRoutes {
  static final String TRANSPORT = "sse";
  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final Vertx vertx;
  private final StreamCommands commands;
  private final StreamService streams;
  private final Authenticator authenticator;
  private final Connections connections;
  private final int maxRequestBytes;
  private final Duration heartbeat;
  private final AuthenticatedBody body;

  public SseRoutes(Vertx vertx, StreamCommands commands, Authenticator authenticator, Connections connections,
      int maxRequestBytes, ApiConfig api) {
    this.vertx = vertx;
    this.commands = commands;
    this.streams = commands.streams();
    this.authenticator = authenticator;
    this.connections = connections;
    this.maxRequestBytes = maxRequestBytes;
    this.heartbeat = api.heartbeat();
    this.body = new AuthenticatedBody(vertx, authenticator, maxRequestBytes, api.bodyTimeout());
  }

  public void mount(Router router) {
    body.mount(router.post("/v1/streams"), this::stream, this::bodyRefused);
    router.delete("/v1/streams/:sessionId").handler(this::cancel);
  }

  /**
   * A stream's command as SSE carries it: the body is an {@code llm:chat:stream}, or with {@code Last-Event-ID}
   * a resume. The acknowledgement opens the event stream; a refusal is an HTTP error instead.
   */
  private void stream(RoutingContext ctx) {
    String lastEventId = ctx.request().getHeader(LAST_EVENT_ID);
    boolean resuming = lastEventId != null && !lastEventId.isBlank();
    Command command = resuming ? Command.RESUME : Command.CHAT;
    SseSink sink = new SseSink(new EventStreamResponse(vertx, ctx.response(), heartbeat));
    Future.succeededFuture(AuthenticatedBody.user(ctx))
        .compose(user -> commands.run(command, user, resuming ? resumePayload(ctx, lastEventId.trim()) : JsonBody.of(ctx),
            sink).map(reply -> {
              sink.acknowledged(command, reply);
              // After the final event this finds nothing to cancel; before it, the client hung up.
              ResponseLifetime.track(ctx, connections, TRANSPORT, () -> streams.disconnected(user, sink));
              return reply;
            }))
        .onFailure(failure -> refuse(ctx, sessionIdOf(ctx), GatewayException.from(failure)));
  }

  /**
   * A reconnecting client sends its request again with {@code Last-Event-ID} (the last token index it got;
   * -1 for none): the stream named by the body's {@code sessionId} is resumed after that index instead of
   * started again. The body may be the original {@code llm:chat:stream} payload or just {@code {sessionId}}.
   */
  private static JsonObject resumePayload(RoutingContext ctx, String lastEventId) {
    Object body = JsonBody.of(ctx);
    Object sessionId = body instanceof JsonObject json ? json.getValue("sessionId") : null;
    try {
      return new JsonObject().put("sessionId", sessionId).put("lastIndex", Long.parseLong(lastEventId));
    } catch (NumberFormatException e) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, LAST_EVENT_ID + ": "
          + ChatRequestParser.describe(lastEventId) + " (expected: the index of the last event received, or -1)");
    }
  }

  private void cancel(RoutingContext ctx) {
    String sessionId = ctx.pathParam("sessionId");
    authenticator.authenticate(Bearer.token(ctx.request()))
        .compose(user -> commands.cancelled(user, new JsonObject().put("sessionId", sessionId)))
        .onSuccess(reply -> json(ctx, 200, reply.encode()))
        .onFailure(failure -> refuse(ctx, sessionId, GatewayException.from(failure)));
  }

  private void bodyRefused(RoutingContext ctx) {
    GatewayException failure = ctx.statusCode() == 413
        ? JsonBody.tooLarge(maxRequestBytes)
        : GatewayException.from(ctx.failure() == null ? new IllegalStateException("status " + ctx.statusCode()) : ctx.failure());
    json(ctx, ctx.statusCode() == 413 ? 413 : ErrorStatus.of(failure.code()), EventJson.refusal("", failure));
  }

  private static void refuse(RoutingContext ctx, String sessionId, GatewayException failure) {
    json(ctx, ErrorStatus.of(failure.code()), EventJson.refusal(sessionId, failure));
  }

  private static String sessionIdOf(RoutingContext ctx) {
    try {
      return ChatRequestParser.sessionIdOrEmpty(JsonBody.of(ctx));
    } catch (GatewayException notJson) {
      return "";
    }
  }

  private static void json(RoutingContext ctx, int status, String body) {
    if (!ctx.response().headWritten() && !ctx.response().closed()) {
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
  }
}
