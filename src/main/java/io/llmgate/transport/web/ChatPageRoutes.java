package io.llmgate.transport.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The chat page at {@code /}: static files from {@code webroot/} on the classpath, no build step. The
 * page talks to llmgate like any other client (the Socket.IO contract, or {@code /ws}), so it is also
 * the living example of docs/integration.md.
 */
public final class ChatPageRoutes {
  // Everything the page loads comes from this origin; its sockets connect back to it.
  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'";

  public void mount(Router router) {
    router.get("/").handler(ChatPageRoutes::securityHeaders)
        .handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    // A route with a wildcard hands the static handler the path below its prefix.
    router.get("/assets/*").handler(ChatPageRoutes::securityHeaders).handler(StaticHandler.create("webroot/assets"));
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
