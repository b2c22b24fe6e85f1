package io.llmgate.cluster;

import io.llmgate.error.ErrorCode;
import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows, for one resumed client of this node, a stream that another node (its owner) runs: reads the
 * stream's Redis log with {@code XREAD BLOCK} on a connection of its own, from the entry after the last one
 * the client has, and sends each event to the client's sink until the final one. Every entry id must follow
 * the previous one: a gap (writes dropped while Redis was unreachable, or the log trimmed under a slow
 * reader) ends the client's stream with {@code resume_gap} rather than skipping events.
 *
 * <p>While it follows it tells the owner so every heartbeat (a message on the owner's node channel), which
 * keeps the owner's stream from being cancelled for want of a client; the first message also detaches the
 * owner's previous client, as a resume on the owner itself would. A block that times out checks that the
 * owner's presence key still exists: once it has expired the owner is dead, and after the entries it wrote
 * before dying the client gets {@code node_lost}. All of it runs on the client's context.
 */
final class ReplayFollower {
  private static final int READ_COUNT = 512;

  private final RedisStore store;
  private final Context context;
  private final String user;
  private final String sessionId;
  private final String owner;
  private final long clientLastIndex;
  private final EventSink sink;
  private final long heartbeatMillis;
  private final Consumer<ReplayFollower> ended;
  private final String log;
  private long lastSeq;
  private long lastPingNanos;
  private RedisConnection connection;
  private boolean stopped;
  /** The owner's presence expired: read what is left without blocking, then end with {@code node_lost}. */
  private boolean ownerGone;

  /**
   * Follows from after entry {@code lastSeq}; {@code clientLastIndex} is the index the client named, whose
   * events at or below it are not sent again. {@code ended} runs once it stops following, for any reason.
   */
  ReplayFollower(RedisStore store, Context context, String user, String sessionId, String owner, long lastSeq,
      long clientLastIndex, EventSink sink, long heartbeatMillis, Consumer<ReplayFollower> ended) {
    this.store = store;
    this.context = context;
    this.user = user;
    this.sessionId = sessionId;
    this.owner = owner;
    this.lastSeq = lastSeq;
    this.clientLastIndex = clientLastIndex;
    this.sink = sink;
    this.heartbeatMillis = heartbeatMillis;
    this.ended = ended;
    this.log = ClusterKeys.replay(user, sessionId);
  }

  EventSink sink() {
    return sink;
  }

  /** On the client's context. */
  void start() {
    ping(true);
    store.connectBlocking().onComplete(connected -> onContext(() -> {
      if (connected.failed()) {
        end(unavailable(connected.cause()));
      } else if (stopped) {
        connected.result().close();
      } else {
        connection = connected.result();
        read();
      }
    }));
  }

  /** The client left: stop reading, from any thread. */
  void stop() {
    onContext(() -> {
      if (!stopped) {
        end(null);
      }
    });
  }

  private void read() {
    if (stopped) {
      return;
    }
    Request xread = Request.cmd(Command.XREAD).arg("COUNT").arg(READ_COUNT);
    if (!ownerGone) {
      xread.arg("BLOCK").arg(heartbeatMillis);
    }
    xread.arg("STREAMS").arg(log).arg(ReplayEntries.id(lastSeq));
    connection.send(xread).timeout(heartbeatMillis + store.timeoutMillis(), TimeUnit.MILLISECONDS)
        .onComplete(read -> onContext(() -> received(read)));
  }

  private void received(AsyncResult<Response> read) {
    if (stopped) {
      return;
    }
    if (read.failed()) {
      end(unavailable(read.cause()));
      return;
    }
    Response streams = read.result();
    if (streams == null || streams.size() == 0) {
      if (ownerGone) {
        end(RedisReplayStore.nodeLost(sessionId));
      } else {
        checkOwner();
      }
      return;
    }
    for (Response entry : streams.get(0).get(1)) {
      long seq = ReplayEntries.seq(entry.get(0).toString());
      if (seq != lastSeq + 1) {
        end(gap(seq));
        return;
      }
      lastSeq = seq;
      StreamEvent event = ReplayEntries.event(sessionId, seq, entry.get(1));
      if (!ReplayEntries.known(event, clientLastIndex)) {
        sink.send(event);
      }
      if (event.isFinal()) {
        end(null);
        return;
      }
    }
    pingIfDue();
    if (sink.writeQueueFull()) {
      sink.onDrain(() -> onContext(this::read));
    } else {
      read();
    }
  }

  private void checkOwner() {
    store.send("EXISTS", Request.cmd(Command.EXISTS).arg(ClusterKeys.node(owner))).onComplete(exists -> onContext(() -> {
      if (stopped) {
        return;
      }
      if (exists.failed()) {
        end(unavailable(exists.cause()));
        return;
      }
      ownerGone = exists.result().toInteger() == 0;
      pingIfDue();
      read();
    }));
  }

  private void pingIfDue() {
    if (!ownerGone && System.nanoTime() - lastPingNanos >= TimeUnit.MILLISECONDS.toNanos(heartbeatMillis)) {
      ping(false);
    }
  }

  /** Tells the owner this stream has a client here; a lost message only shortens the owner's patience. */
  private void ping(boolean first) {
    lastPingNanos = System.nanoTime();
    String message = new JsonObject().put("op", CancelChannel.FOLLOW).put("user", user).put("sessionId", sessionId)
        .put("first", first).encode();
    store.send("PUBLISH", Request.cmd(Command.PUBLISH).arg(ClusterKeys.cancelChannel(owner)).arg(message));
  }

  /** Stops for good; {@code last}, if any, is the final event the client gets from this node. */
  private void end(StreamEvent last) {
    stopped = true;
    if (last != null) {
      sink.send(last);
    }
    if (connection != null) {
      connection.close();
      connection = null;
    }
    ended.accept(this);
  }

  private StreamEvent unavailable(Throwable cause) {
    return new StreamEvent.Failed(sessionId, ErrorCode.CLUSTER_UNAVAILABLE, "cluster store (Redis) unreachable"
        + " while following the stream: " + cause.getMessage() + " (expected: resume again shortly)", true,
        Instant.now());
  }

  private StreamEvent gap(long seq) {
    return new StreamEvent.Failed(sessionId, ErrorCode.RESUME_GAP, "events " + (lastSeq - 1) + " to " + (seq - 3)
        + " of this stream are no longer kept (Redis was unreachable, or the log was trimmed while this client"
        + " lagged)", false, Instant.now());
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
