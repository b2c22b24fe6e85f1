package io.llmgate.transport;

import io.llmgate.auth.Authenticator;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.time.Duration;

/**
 * A POST route whose caller is authenticated by its headers before a byte of its body is read, and whose
 * body must then arrive within a deadline. Reading first would let anyone without a token make the server
 * hold up to the request size limit per connection, and a body trickling a byte at a time would hold it
 * for ever. A refused request's connection is closed after the answer: its unread body cannot be skipped.
 */
public final class AuthenticatedBody {
  private static final String USER = "llmgate.user";

  private final Vertx vertx;
  private final Authenticator authenticator;
  private final int maxBytes;
  private final Duration timeout;

  /** {@code timeout} is the {@code api.body-timeout} setting: from the request's arrival to its body's end. */
  public AuthenticatedBody(Vertx vertx, Authenticator authenticator, int maxBytes, Duration timeout) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.maxBytes = maxBytes;
    this.timeout = timeout;
  }

  /** {@code handler} runs with the whole body and {@link #user}; every refusal goes to {@code onFailure}. */
  public void mount(Route route, Handler<RoutingContext> handler, Handler<RoutingContext> onFailure) {
    // A security-policy handler: Vert.x Web only lets such handlers (CORS, CSP …) run before the body's.
    route.handler((SecurityPolicyHandler) this::authenticate)
        .handler(BodyHandler.create(false).setBodyLimit(maxBytes))
        .handler(handler)
        .failureHandler(ctx -> {
          if (!ctx.request().isEnded()) {
            // Vert.x would wait for the rest of the body before closing: close once the answer is out.
            ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .endHandler(v -> ctx.request().connection().close());
          }
          onFailure.handle(ctx);
        });
  }

  /** The user the request's headers authenticated. */
  public static String user(RoutingContext ctx) {
    return ctx.get(USER);
  }

  private void authenticate(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause(); // nothing of the body is read until the caller is known
    long deadline = vertx.setTimer(timeout.toMillis(), t -> {
      if (!request.isEnded() && !ctx.response().headWritten()) {
        ctx.fail(new GatewayException(ErrorCode.INVALID_REQUEST, "request body: not complete within "
            + timeout.toMillis() + " ms (setting: api.body-timeout)"));
      }
    });
    ctx.addEndHandler(v -> vertx.cancelTimer(deadline));
    authenticator.authenticate(Bearer.token(request)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else {
        ctx.put(USER, result.result());
        ctx.next();
      }
    });
  }
}
