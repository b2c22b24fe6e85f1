package io.llmgate.transport.socketio;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * CORS for long-polling from browser pages on other origins that {@link SocketIoOptions#getAllowRequest()}
 * let through: the Origin is echoed with credentials
 * allowed (a wildcard would forbid cookies), so a page can poll with {@code withCredentials}.
 */
final class Cors {

  private Cors() {}

  static void addHeaders(HttpServerRequest request) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null) {
      request
          .response()
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
          .putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
    }
  }

  /** Answers a preflight OPTIONS request. */
  static void preflight(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST");
    String requested = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
    if (requested != null) {
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, requested);
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "86400").setStatusCode(204).end();
  }
}
