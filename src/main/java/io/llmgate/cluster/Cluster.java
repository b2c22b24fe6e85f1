package io.llmgate.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** What the health routes know of the cluster this node belongs to, if any. */
public interface Cluster {
  /** A node on its own: always ready as far as the cluster goes, and no cluster section in its health. */
  Cluster STANDALONE = new Cluster() {
    @Override
    public boolean reachable() {
      return true;
    }

    @Override
    public Future<JsonObject> health() {
      return Future.succeededFuture(null);
    }
  };

  /** False while the shared store cannot be reached: new streams would be refused. */
  boolean reachable();

  /** This node and the cluster's totals, or {@code null} for a standalone node. Never fails. */
  Future<JsonObject> health();
}
