package io.llmgate.transport.websocket;

import io.llmgate.auth.Authenticator;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.transport.Bearer;
import io.llmgate.transport.ConnectionLimits;
import io.llmgate.transport.Connections;
import io.llmgate.transport.ErrorStatus;
import io.llmgate.transport.EventJson;
import io.llmgate.transport.StreamCommands;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * A plain WebSocket at {@code /ws} carrying the protocol's events as {@code {"event", "data"}} text
 * frames. Authenticated by the upgrade's {@code Authorization} header (refused with 401 before the
 * upgrade), or — for browsers, which cannot set that header — by a first {@code auth} frame. A token in
 * the URL is refused: URLs end up in access logs and browser history.
 */
public final class WebSocketRoutes {
  static final String TRANSPORT = "websocket";
  static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final StreamCommands commands;
  private final Authenticator authenticator;
  private final Connections connections;
  private final ConnectionLimits limits;
  private final Duration authTimeout;

  public WebSocketRoutes(Vertx vertx, StreamCommands commands, Authenticator authenticator, Connections connections,
      ConnectionLimits limits) {
    this(vertx, commands, authenticator, connections, limits, DEFAULT_AUTH_TIMEOUT);
  }

  WebSocketRoutes(Vertx vertx, StreamCommands commands, Authenticator authenticator, Connections connections,
      ConnectionLimits limits, Duration authTimeout) {
    this.vertx = vertx;
    this.commands = commands;
    this.authenticator = authenticator;
    this.connections = connections;
    this.limits = limits;
    this.authTimeout = authTimeout;
  }

  public void mount(Router router) {
    router.get("/ws").handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      refuse(ctx, new GatewayException(ErrorCode.INVALID_REQUEST,
          "/ws: a plain HTTP request (expected: a WebSocket upgrade)"));
      return;
    }
    if (request.params().contains("token") || request.params().contains("access_token")) {
      refuse(ctx, new GatewayException(ErrorCode.UNAUTHORIZED, "unauthorized: token in the URL is not accepted "
          + "(expected: an Authorization header or a first {\"event\":\"auth\"} frame)"));
      return;
    }
    if (request.getHeader(HttpHeaders.AUTHORIZATION) == null) {
      request.toWebSocket().onSuccess(ws -> connection(ws).awaitAuthFrame(authTimeout));
      return;
    }
    // Authentication is asynchronous: hold the upgrade request until it answers.
    request.pause();
    authenticator.authenticate(Bearer.token(request)).map(limits::admit)
        .onSuccess(slot -> request.toWebSocket()
            .onSuccess(ws -> connection(ws).authenticated(slot))
            .onFailure(gone -> slot.close()))
        .onFailure(failure -> {
          request.resume();
          refuse(ctx, GatewayException.from(failure));
        });
  }

  private WebSocketConnection connection(ServerWebSocket ws) {
    return new WebSocketConnection(vertx, ws, commands, authenticator, connections, limits);
  }

  private static void refuse(RoutingContext ctx, GatewayException failure) {
    ctx.response().setStatusCode(ErrorStatus.of(failure.code()))
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(EventJson.refusal("", failure));
  }
}
