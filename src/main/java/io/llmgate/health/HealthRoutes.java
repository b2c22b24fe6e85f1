package io.llmgate.health;

import io.llmgate.cluster.Cluster;
import io.llmgate.session.StreamService;
import io.llmgate.transport.Connections;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process is alive), {@code /readyz} (it accepts new streams: false while draining)
 * and the original spec's {@code /websocket/health} counters; in a cluster, also this node's id and the
 * cluster's totals, and unready while Redis cannot be reached or a configured JWKS was never fetched.
 */
public final class HealthRoutes {
  private final StreamService streams;
  private final Connections connections;
  private final Cluster cluster;
  private final BooleanSupplier signingKeysReady;
  private final long startedAtMillis = System.currentTimeMillis();

  private final Future<?> warmedUp;

  /** {@code warmedUp} completes when the self-warm-up is over: until then {@code /readyz} says {@code warming_up}. */
  public HealthRoutes(StreamService streams, Connections connections, Cluster cluster, BooleanSupplier signingKeysReady,
      Future<?> warmedUp) {
    this.streams = streams;
    this.signingKeysReady = signingKeysReady;
    this.cluster = cluster;
    this.connections = connections;
    this.warmedUp = warmedUp;
  }

  public void mount(Router router) {
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(this::ready);
    router.get("/websocket/health").handler(this::websocketHealth);
  }

  private void ready(RoutingContext ctx) {
    String status = streams.isShuttingDown() ? "draining"
        : !warmedUp.isComplete() ? "warming_up"
        : !cluster.reachable() ? "cluster_unavailable"
        : !signingKeysReady.getAsBoolean() ? "signing_keys_unavailable"
        : "ready";
    json(ctx, status.equals("ready") ? 200 : 503, new JsonObject().put("status", status));
  }

  private void websocketHealth(RoutingContext ctx) {
    JsonObject node = new JsonObject()
        .put("status", streams.isShuttingDown() ? "draining" : "ok")
        .put("connectedClients", connections.total())
        .put("totalSubscriptions", streams.activeStreams())
        .put("activeLLMStreams", streams.activeStreams())
        .put("connectionsByTransport", new JsonObject(new java.util.HashMap<>(connections.byTransport())))
        .put("uptimeSeconds", (System.currentTimeMillis() - startedAtMillis) / 1000);
    cluster.health().onComplete(clustered -> json(ctx, 200,
        clustered.result() == null ? node : node.mergeIn(clustered.result())));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
