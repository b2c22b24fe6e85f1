package io.llmgate.transport.web;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.transport.ErrorStatus;
import io.llmgate.transport.EventJson;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The origin check and CORS for every route mounted after it ({@code /ws}, the HTTP API, health, metrics,
 * the chat page): a page of a refused origin gets 403 {@code forbidden_origin} before any route runs (a
 * WebSocket upgrade is refused before it is accepted); an allowed page of another origin gets CORS headers
 * and its preflights answered. Vert.x's CorsHandler knows neither the request's own origin nor JSON errors.
 * Socket.IO checks the same {@link BrowserOrigins} itself, to refuse as Engine.IO servers do.
 */
public final class OriginRoutes {
  private static final String ALLOWED_METHODS = "GET, POST, DELETE";
  private static final String PREFLIGHT_CACHE_SECONDS = "600";

  private final BrowserOrigins origins;

  public OriginRoutes(BrowserOrigins origins) {
    this.origins = origins;
  }

  public void mount(Router router) {
    router.route().handler(this::check);
  }

  private void check(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!origins.allows(request)) {
      String origin = request.getHeader(HttpHeaders.ORIGIN);
      GatewayException refused = new GatewayException(ErrorCode.FORBIDDEN_ORIGIN, "origin not allowed: "
          + origin + " (setting: security.allowed-origins)");
      ctx.response().setStatusCode(ErrorStatus.of(refused.code()))
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(EventJson.refusal("", refused));
      return;
    }
    if (!origins.isCrossOrigin(request)) {
      ctx.next();
      return;
    }
    // No credentials: the API's credential is a bearer token the page sends itself, never a cookie.
    HttpServerResponse response = ctx.response()
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, request.getHeader(HttpHeaders.ORIGIN))
        .putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    if (request.method() == HttpMethod.OPTIONS
        && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
      String headers = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
      if (headers != null) {
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headers);
      }
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, PREFLIGHT_CACHE_SECONDS).setStatusCode(204).end();
      return;
    }
    ctx.next();
  }
}
