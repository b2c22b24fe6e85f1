package io.llmgate.cluster;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way llmgate talks to Redis: every command is bounded by the command timeout (a stalled Redis
 * fails a stream's start rather than hanging it), timed, and answered on the caller's context. A command
 * that cannot reach Redis fails with {@code cluster_unavailable}, and marks Redis unreachable until the next
 * command that gets through (the heartbeat sends one every interval, so recovery is noticed by itself).
 * A connection refused or reset fails at once and marks it so; a command only timed out marks it so when
 * no answer at all came from Redis within the timeout: on a starved machine an answer can sit behind a busy
 * event loop past the timeout while Redis is fine, and readiness should not follow the node's load.
 */
public final class RedisStore {
  private static final Duration[] LATENCY_SLOS = {
      Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
      Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1)};

  /** Blocking reads (XREAD BLOCK) each hold a connection: a pool of their own keeps them off the commands' one. */
  static final int MAX_BLOCKING_CONNECTIONS = 256;

  /**
   * Commands in flight on one connection at most; the client's default (2048) would refuse appends of a few
   * thousand streams at once.
   */
  static final int MAX_PIPELINED = 65_536;

  private final Redis redis;
  private final Redis blocking;
  /**
   * The connection every command and batch is pipelined on. The client's connection-less {@code send} leases a
   * pooled connection until its reply, so no more commands are in flight than the pool has connections and the
   * rest queue: with 2,000 streams' log appends, a stream's start waited in that queue past the command
   * timeout while Redis sat idle. One connection carries any number of commands in flight, each answered in
   * order (Redis's own pipelining), as Lettuce and ioredis share one connection.
   */
  private final AtomicReference<Future<RedisConnection>> commands = new AtomicReference<>();
  private final long timeoutMillis;
  private final MeterRegistry metrics;
  private final ConcurrentHashMap<String, Timer> latency = new ConcurrentHashMap<>();
  private volatile boolean reachable = true;
  /** When the latest answer came, however late for its own command: Redis was alive then. */
  private volatile long answeredNanos = System.nanoTime();

  public RedisStore(Vertx vertx, String url, Duration commandTimeout, MeterRegistry metrics) {
    this.timeoutMillis = commandTimeout.toMillis();
    this.metrics = metrics;
    // A refused or silent connect must fail within the command timeout too.
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) timeoutMillis).setTcpNoDelay(true))
        .setMaxPoolSize(8).setMaxPoolWaiting(1024).setMaxWaitingHandlers(MAX_PIPELINED));
    // RESP2: an XREAD reply is then the same nested arrays as in every Redis version's documentation.
    this.blocking = Redis.createClient(vertx, new RedisOptions().setConnectionString(url)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) timeoutMillis).setTcpNoDelay(true))
        .setMaxPoolSize(MAX_BLOCKING_CONNECTIONS).setMaxPoolWaiting(1024));
  }

  MeterRegistry metrics() {
    return metrics;
  }

  public long timeoutMillis() {
    return timeoutMillis;
  }

  /** Runs {@code script} (by its digest; its body once if Redis has not cached it yet). */
  public Future<Response> eval(RedisScript script, List<String> keys, Object... args) {
    Request bySha = script.request(Command.EVALSHA, keys, args);
    return send(script.name(), bySha).recover(failure -> failure.getMessage() != null
        && failure.getMessage().startsWith("NOSCRIPT")
        ? send(script.name(), script.request(Command.EVAL, keys, args))
        : Future.failedFuture(failure));
  }

  /** Sends {@code request}; {@code name} labels its latency and errors (a command or script name). */
  public Future<Response> send(String name, Request request) {
    return timed(name, commandConnection().compose(connection -> connection.send(request)));
  }

  /** Sends {@code requests} pipelined on one connection, in order: one round trip for them all. */
  Future<List<Response>> batch(String name, List<Request> requests) {
    return timed(name, commandConnection().compose(connection -> connection.batch(requests)));
  }

  /** The shared command connection, connected again after it failed or closed (the next command does it). */
  private Future<RedisConnection> commandConnection() {
    Future<RedisConnection> current = commands.get();
    if (current != null) {
      return current;
    }
    Future<RedisConnection> fresh = redis.connect().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    if (!commands.compareAndSet(null, fresh)) {
      return commands.get();
    }
    fresh.onSuccess(connection -> connection.exceptionHandler(failure -> commands.compareAndSet(fresh, null))
        .endHandler(end -> commands.compareAndSet(fresh, null)))
        .onFailure(failure -> commands.compareAndSet(fresh, null));
    return fresh;
  }

  private <T> Future<T> timed(String name, Future<T> sent) {
    Context caller = Vertx.currentContext();
    Promise<T> answered = Promise.promise();
    long started = System.nanoTime();
    sent.onSuccess(answer -> answeredNanos = System.nanoTime());
    sent.timeout(timeoutMillis, TimeUnit.MILLISECONDS).onComplete(result -> {
      latency.computeIfAbsent(name, this::timer).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      Runnable answer = () -> {
        if (result.succeeded()) {
          reachable = true;
          answered.complete(result.result());
        } else {
          answered.fail(classify(name, result.cause()));
        }
      };
      if (caller == null || caller == Vertx.currentContext()) {
        answer.run();
      } else {
        caller.runOnContext(v -> answer.run());
      }
    });
    return answered.future();
  }

  /** A connection of its own (for a subscription), bounded by the command timeout like a command. */
  Future<RedisConnection> connect() {
    return redis.connect().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** A connection for blocking reads, from their own pool; its owner closes it to give it back. */
  Future<RedisConnection> connectBlocking() {
    return blocking.connect().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  public boolean reachable() {
    return reachable;
  }

  public Future<Void> close() {
    return Future.join(redis.close(), blocking.close()).mapEmpty();
  }

  /** A script error is a bug of ours (kept as is); anything else means Redis cannot be reached. */
  private Throwable classify(String name, Throwable cause) {
    boolean scriptError = cause.getMessage() != null && cause.getMessage().startsWith("ERR");
    String reason = cause instanceof TimeoutException ? "timeout" : scriptError ? "error" : "unreachable";
    Counter.builder("llmgate.redis.errors").tag("command", name).tag("reason", reason).register(metrics).increment();
    if (scriptError || (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"))) {
      return cause;
    }
    boolean redisAnswers = cause instanceof TimeoutException
        && System.nanoTime() - answeredNanos < TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    if (!redisAnswers) {
      reachable = false;
    }
    return new GatewayException(ErrorCode.CLUSTER_UNAVAILABLE,
        "cluster store (Redis) " + (cause instanceof TimeoutException ? "did not answer within "
            + timeoutMillis + " ms" : "unreachable: " + cause.getMessage()) + " (expected: retry shortly)");
  }

  private Timer timer(String name) {
    return Timer.builder("llmgate.redis.latency").tag("command", name).serviceLevelObjectives(LATENCY_SLOS)
        .register(metrics);
  }
}
