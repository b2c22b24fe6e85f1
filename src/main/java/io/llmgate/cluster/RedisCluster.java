package io.llmgate.cluster;

import io.llmgate.session.InMemoryStreamRegistry;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * This node's membership of a Redis cluster: a random node id, a presence key refreshed every heartbeat
 * (with this node's counters, so any node can sum the cluster's), and the cluster's health read from the
 * live nodes' presence. The heartbeat is also how an unreachable Redis is noticed to be back.
 */
public final class RedisCluster implements Cluster {
  private static final RedisScript HEARTBEAT = RedisScript.load("heartbeat");
  private static final RedisScript NODES = RedisScript.load("nodes");

  private final Vertx vertx;
  private final RedisStore store;
  private final String nodeId = UUID.randomUUID().toString();
  private final Duration heartbeat;
  private final Duration ttl;
  private final Supplier<JsonObject> counters;
  private final ReplayWriter replayWriter;
  private final RedisStreamRegistry streams;
  private long timer = -1;

  /** {@code counters}: this node's {@code /websocket/health} counters, summed over the cluster. */
  public RedisCluster(Vertx vertx, RedisStore store, Duration heartbeat, Duration ttl,
      ToIntFunction<String> maxStreamsPerUser,
      Supplier<JsonObject> counters) {
    this.vertx = vertx;
    this.store = store;
    this.heartbeat = heartbeat;
    this.ttl = ttl;
    this.counters = counters;
    this.replayWriter = new ReplayWriter(vertx, store, Counter.builder("llmgate.redis.replay.dropped")
        .description("replay-log writes not kept in Redis (unreachable, or over the queue bound)")
        .register(store.metrics()));
    this.streams = new RedisStreamRegistry(new InMemoryStreamRegistry(maxStreamsPerUser), store, nodeId,
        maxStreamsPerUser);
  }

  public RedisStore store() {
    return store;
  }

  /** The registry of this node's streams, with their slots in the cluster's per-user cap. */
  public RedisStreamRegistry streams() {
    return streams;
  }

  /** The replay logs' writes, one queue for every stream of this node. */
  ReplayWriter replayWriter() {
    return replayWriter;
  }

  public String nodeId() {
    return nodeId;
  }

  /** Announces this node and keeps announcing it; completes (or fails) with the first heartbeat and subscription. */
  public Future<Void> join() {
    timer = vertx.setPeriodic(heartbeat.toMillis(), id -> beat());
    return beat();
  }

  /** Stops the heartbeat and removes this node's presence at once (its streams have released their slots). */
  public Future<Void> leave() {
    vertx.cancelTimer(timer);
    streams.close();
    return store.send("DEL", Request.cmd(Command.DEL)
        .arg(ClusterKeys.node(nodeId))).<Void>mapEmpty().otherwiseEmpty()
        .compose(v -> store.close());
  }

  private Future<Void> beat() {
    JsonObject state = counters.get().put("id", nodeId);
    return store.eval(HEARTBEAT, List.of(ClusterKeys.NODES, ClusterKeys.node(nodeId)), nodeId, state.encode(),
        ttl.toMillis()).compose(ok -> streams.heartbeatSucceeded());
  }

  @Override
  public boolean reachable() {
    return store.reachable();
  }

  @Override
  public Future<JsonObject> health() {
    JsonObject node = new JsonObject().put("id", nodeId);
    return store.eval(NODES, List.of(ClusterKeys.NODES), ClusterKeys.NODE_PREFIX)
        .map(states -> new JsonObject().put("node", node).put("redis", "ok").put("cluster", totals(states)))
        .otherwise(unreachable -> new JsonObject().put("node", node).put("redis", "unreachable"));
  }

  /** The live nodes' ids and the sum of each numeric counter they report. */
  private static JsonObject totals(Response states) {
    JsonArray ids = new JsonArray();
    JsonObject totals = new JsonObject();
    for (Response state : states) {
      JsonObject node = new JsonObject(state.toString());
      ids.add(node.getString("id"));
      node.forEach(entry -> {
        if (entry.getValue() instanceof Number n) {
          totals.put(entry.getKey(), totals.getLong(entry.getKey(), 0L) + n.longValue());
        }
      });
    }
    return totals.put("nodes", ids.size()).put("nodeIds", ids);
  }
}
