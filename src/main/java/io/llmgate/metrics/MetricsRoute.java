package io.llmgate.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;

/** {@code GET /metrics} in the Prometheus text format. */
public final class MetricsRoute {
  private MetricsRoute() {}

  public static void mount(Router router, PrometheusMeterRegistry registry) {
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
  }
}
