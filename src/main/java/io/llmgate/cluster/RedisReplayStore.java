package io.llmgate.cluster;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.session.InMemoryReplayStore;
import io.llmgate.session.ReplayStore;
import io.llmgate.stream.EventSink;
import io.llmgate.stream.Resumed;
import io.llmgate.stream.StreamEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replay logs of a cluster: this node's streams are kept in memory as on a single node (their resumes
 * here, and the bound that pauses a stream without client, read nothing from Redis) and each of their
 * events is also appended to the stream's Redis Stream ({@link ReplayWriter}: batched, never awaited), so
 * that a client resuming on another node finds them there. Such a resume reads the log after the client's
 * last index in one script, then, while the owner still runs the stream, follows it live
 * ({@link ReplayFollower}). The Redis log keeps what the memory one keeps ({@link ReplayTrim}: at most
 * {@code resume.max-events-per-stream} events and {@code resume.max-chars-per-stream} characters, the
 * newest; each XADD trims the entries before them exactly, with MINID), so that a resume gets the same
 * answer on any node; it expires {@code window} after its last write, as the memory one does after the final
 * event.
 */
public final class RedisReplayStore implements ReplayStore {
  private static final RedisScript READ = RedisScript.load("replay-read");
  private static final byte[] MINID = "MINID".getBytes(StandardCharsets.US_ASCII);

  private final InMemoryReplayStore local;
  private final RedisStore store;
  private final ReplayWriter writer;
  private final String nodeId;
  private final long windowMillis;
  private final long heartbeatMillis;
  private final Set<ReplayFollower> followers = ConcurrentHashMap.newKeySet();

  public RedisReplayStore(InMemoryReplayStore local, RedisCluster cluster, Duration window, Duration heartbeat) {
    this.local = local;
    this.store = cluster.store();
    this.nodeId = cluster.nodeId();
    // An expiry of 0 would delete the log at once: a zero window still leaves a resumer a moment.
    this.windowMillis = Math.max(1000, window.toMillis());
    this.heartbeatMillis = heartbeat.toMillis();
    this.writer = cluster.replayWriter();
  }

  @Override
  public Recording begin(String user, String sessionId) {
    // Encoded once per stream, not again for every event's XADD.
    byte[] log = ClusterKeys.replay(user, sessionId).getBytes(StandardCharsets.UTF_8);
    String owner = ClusterKeys.replayOwner(user, sessionId);
    writer.add(Request.cmd(Command.DEL).arg(log));
    Mirrored recording = new Mirrored(local.begin(user, sessionId), log, owner);
    writer.add(recording.owner());
    return recording;
  }

  /** The memory recording, plus each event appended to the Redis log (from the stream's context, in order). */
  private final class Mirrored implements Recording {
    private final Recording memory;
    private final byte[] log;
    private final String owner;
    private final ReplayTrim trim = new ReplayTrim(local.bounds());
    private long seq;
    private long expiryRefreshedNanos = System.nanoTime();
    private boolean ended;

    Mirrored(Recording memory, byte[] log, String owner) {
      this.memory = memory;
      this.log = log;
      this.owner = owner;
    }

    @Override
    public void append(StreamEvent event) {
      memory.append(event);
      if (ended) {
        return;
      }
      ended = event.isFinal();
      if (event instanceof StreamEvent.Indexed indexed) {
        trim.add(indexed);
      }
      Request xadd = Request.cmd(Command.XADD).arg(log);
      if (trim.droppedThrough() >= 0) {
        // Exact, not '~' (whole radix-tree nodes): a resume from Redis must find a gap where memory has one.
        xadd.arg(MINID).arg(ReplayEntries.id(ReplayEntries.seqAfter(trim.droppedThrough()) + 1));
      }
      xadd.arg(ReplayEntries.id(++seq));
      ReplayEntries.fields(event).forEach(xadd::arg);
      writer.add(xadd);
      long now = System.nanoTime();
      // The log lives while written to, then for the window: refreshing its expiry a few times per window
      // costs two commands per quarter window, not per token. The owner is set again rather than only
      // given more time, so that a Redis that lost it (restarted) learns it back.
      if (ended || seq == 1 || now - expiryRefreshedNanos >= windowMillis * 250_000L) {
        expiryRefreshedNanos = now;
        writer.add(Request.cmd(Command.PEXPIRE).arg(log).arg(windowMillis));
        writer.add(owner());
      }
    }

    @Override
    public boolean full() {
      return memory.full();
    }

    @Override
    public Future<Void> kept() {
      return writer.written();
    }

    private Request owner() {
      return Request.cmd(Command.SET).arg(owner).arg(nodeId).arg("PX").arg(windowMillis);
    }
  }

  @Override
  public Future<List<StreamEvent>> eventsAfter(String user, String sessionId, long lastIndex) {
    return local.eventsAfter(user, sessionId, lastIndex);
  }

  /**
   * A stream this node ran is answered from memory; any other from Redis, live if its owner still runs it.
   * A gap in memory is one in Redis too (the same bounds), so it is not read again there.
   */
  @Override
  public Future<Resumed> resumeElsewhere(String user, String sessionId, long lastIndex, EventSink sink,
      Context here) {
    return local.resumeElsewhere(user, sessionId, lastIndex, sink, here).recover(notHere ->
        GatewayException.from(notHere).code() == ErrorCode.NOT_FOUND
            ? fromRedis(user, sessionId, lastIndex, sink, here)
            : Future.failedFuture(notHere));
  }

  private Future<Resumed> fromRedis(String user, String sessionId, long lastIndex, EventSink sink, Context here) {
    long after = ReplayEntries.seqAfter(lastIndex);
    return store.eval(READ, List.of(ClusterKeys.replay(user, sessionId), ClusterKeys.replayOwner(user, sessionId)),
        after, ClusterKeys.NODE_PREFIX).map(answer -> {
          String owner = answer.get(0).toString();
          boolean alive = answer.get(1).toInteger() == 1;
          long seq = answer.get(2).toLong();
          if (owner.isEmpty()) {
            // No log, or one whose owner Redis lost (it restarted): nothing a resumer could trust.
            throw new GatewayException(ErrorCode.NOT_FOUND, "sessionId: \"" + sessionId + "\" has no stream to"
                + " resume on any node (expected: a stream of this user that ended less than "
                + windowMillis / 1000 + "s ago)");
          }
          List<StreamEvent> events = new ArrayList<>();
          boolean ended = false;
          for (Response entry : answer.get(3)) {
            long next = ReplayEntries.seq(entry.get(0).toString());
            if (next != seq + 1) {
              throw ReplayStore.gap(lastIndex, next - 3);
            }
            seq = next;
            StreamEvent event = ReplayEntries.event(sessionId, seq, entry.get(1));
            ended = event.isFinal();
            if (!ReplayEntries.known(event, lastIndex)) {
              events.add(event);
            }
          }
          // The log may lag behind what the client was sent (writes are batched): then it is read from
          // its last entry, and the follower skips what the client has.
          boolean live = !ended;
          ReplayFollower follower = live && alive ? follower(user, sessionId, owner, seq, lastIndex, sink, here) : null;
          if (live && !alive) {
            events.add(nodeLost(sessionId));
          }
          here.runOnContext(v -> {
            events.forEach(sink::send);
            if (follower != null) {
              follower.start();
            }
          });
          return new Resumed(sessionId, lastIndex, events.size(), follower != null, Instant.now());
        });
  }

  private ReplayFollower follower(String user, String sessionId, String owner, long seq, long lastIndex,
      EventSink sink, Context here) {
    ReplayFollower follower = new ReplayFollower(store, here, user, sessionId, owner, seq, lastIndex, sink,
        heartbeatMillis, followers::remove);
    followers.add(follower);
    return follower;
  }

  @Override
  public void forget(EventSink sink) {
    followers.stream().filter(follower -> follower.sink() == sink).forEach(ReplayFollower::stop);
  }

  static StreamEvent nodeLost(String sessionId) {
    return new StreamEvent.Failed(sessionId, ErrorCode.NODE_LOST, "the node running this stream stopped"
        + " answering before the stream ended (expected: start the request again)", true, Instant.now());
  }
}
