package io.llmgate.transport.http1;

import io.llmgate.vertx.VertxInternals;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;

/**
 * What Vert.x's HTTP/1.x server lacks against hostile clients, put into each connection's Netty pipeline
 * as it opens: requests framed two ways at once are refused ({@link StrictRequestDecoder}), and headers
 * must arrive within {@code api.header-timeout} ({@link HeaderDeadline}).
 */
public final class Http1Hardening {
  /** The names Vert.x gives its HTTP/1.x handlers (HttpServerConnectionInitializer). */
  private static final String DECODER = "httpDecoder";
  private static final String VERTX_HANDLER = "handler";
  private static final String DEADLINE = "headerDeadline";

  private final HttpServerOptions options;
  private final Duration headerTimeout;

  public Http1Hardening(HttpServerOptions options, Duration headerTimeout) {
    this.options = options;
    this.headerTimeout = headerTimeout;
  }

  /** For the server's connection handler: called before the connection's first request is decoded. */
  public void install(HttpConnection connection) {
    VertxInternals.pipeline(connection)
        .filter(pipeline -> pipeline.get(DECODER) != null && pipeline.get(VERTX_HANDLER) != null)
        .ifPresent(this::harden);
  }

  private void harden(ChannelPipeline pipeline) {
    HeaderDeadline deadline = new HeaderDeadline(headerTimeout.toMillis(),
        "request headers: not complete within " + headerTimeout.toMillis() + " ms (setting: api.header-timeout)");
    // Called before the first read (HTTP/1.1 only, Gateway), so the replaced decoder holds no bytes yet.
    pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options, deadline));
    // Before Vert.x's handler, after the encoder: the 408 it writes is encoded like any response.
    pipeline.addBefore(VERTX_HANDLER, DEADLINE, deadline);
  }
}
