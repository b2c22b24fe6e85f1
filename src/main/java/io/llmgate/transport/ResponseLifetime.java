package io.llmgate.transport;

import io.vertx.ext.web.RoutingContext;

/**
 * Counts an HTTP response that carries a stream as a connection for as long as it lasts, and runs
 * {@code gone} once when it ends — normally after the final event, or early when the client hung up
 * (then {@code gone} is what cancels the upstream).
 */
public final class ResponseLifetime {
  private ResponseLifetime() {}

  public static void track(RoutingContext ctx, Connections connections, String transport, Runnable gone) {
    connections.opened(transport);
    boolean[] ended = {false};
    Runnable once = () -> {
      if (!ended[0]) {
        ended[0] = true;
        connections.closed(transport);
        gone.run();
      }
    };
    ctx.addEndHandler(result -> once.run());
    // A client that left while the request was authenticated and validated fires no handler any more.
    if (ctx.response().closed()) {
      once.run();
    }
  }
}
