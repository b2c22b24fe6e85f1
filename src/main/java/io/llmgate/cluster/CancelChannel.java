package io.llmgate.cluster;

import io.llmgate.session.StreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * This node's Redis channel for what other nodes ask of its streams: a cancel that reached another node,
 * and a resume another node follows ({@code op: follow}, see {@link ReplayFollower}). A dedicated
 * subscribed connection (a subscribed connection can send nothing else). {@link #ensureSubscribed} is called by every
 * heartbeat, so a connection lost with Redis is re-established once Redis answers again. A cancel sent
 * while this node was not subscribed (but alive) waits in its pending set ({@code cancel-remote.lua}),
 * applied once subscribed again; with Redis down it was never sent (its sender was told
 * {@code cluster_unavailable}).
 */
final class CancelChannel {
  static final String FOLLOW = "follow";
  private static final RedisScript PENDING = RedisScript.load("pending-cancels");

  private final RedisStore store;
  private final String channel;
  private final String pending;
  private final StreamRegistry local;
  private volatile RedisConnection connection;
  /** The subscription under way, if any: heartbeats never open two at once. */
  private volatile Future<Void> subscribing;

  CancelChannel(RedisStore store, String nodeId, StreamRegistry local) {
    this.store = store;
    this.channel = ClusterKeys.cancelChannel(nodeId);
    this.pending = ClusterKeys.PENDING_CANCELS_PREFIX + nodeId;
    this.local = local;
  }

  /** Completes once this node is subscribed (at once if it already is); fails if Redis cannot be reached. */
  synchronized Future<Void> ensureSubscribed() {
    if (connection != null) {
      return Future.succeededFuture();
    }
    if (subscribing != null) {
      return subscribing;
    }
    subscribing = store.connect().compose(conn -> {
      conn.handler(this::received);
      conn.exceptionHandler(failure -> lost(conn));
      conn.endHandler(ended -> lost(conn));
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).map(conn)
          .onFailure(failure -> conn.close());
    }).compose(conn -> store.eval(PENDING, List.of(pending)).map(missed -> {
      // What was sent while no subscription was there to receive it; from now on messages arrive. Only
      // then is the node subscribed: if this read fails, the next heartbeat subscribes and reads again.
      missed.forEach(message -> apply(message.toString()));
      connection = conn;
      return (Void) null;
    }).onFailure(failure -> conn.close())).onComplete(done -> clearSubscribing());
    return subscribing;
  }

  private synchronized void clearSubscribing() {
    subscribing = null;
  }

  /** A pub/sub message is {@code [message, channel, payload]} (a RESP3 push, or an array on RESP2). */
  private void received(Response message) {
    if (message.size() == 3 && "message".equals(message.get(0).toString())) {
      apply(message.get(2).toString());
    }
  }

  private void apply(String message) {
    JsonObject asked = new JsonObject(message);
    String user = asked.getString("user");
    String sessionId = asked.getString("sessionId");
    if (FOLLOW.equals(asked.getString("op"))) {
      local.find(user, sessionId).onSuccess(running -> running.ifPresent(session ->
          session.followedElsewhere(asked.getBoolean("first", false))));
    } else {
      local.cancel(user, sessionId);
    }
  }

  private void lost(RedisConnection conn) {
    if (connection == conn) {
      connection = null;
    }
  }

  void close() {
    RedisConnection conn = connection;
    connection = null;
    if (conn != null) {
      conn.close();
    }
  }
}
