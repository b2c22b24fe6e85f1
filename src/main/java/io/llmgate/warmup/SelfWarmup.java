package io.llmgate.warmup;

import io.llmgate.config.WarmupConfig;
import io.llmgate.stream.StreamEvent;
import io.llmgate.transport.Command;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients of the self-warm-up: streams through a gateway's endpoints so that the first real burst of
 * clients meets compiled code. A fresh JVM runs this code interpreted and spends a core on its JIT
 * compilers: a burst of 400 new streams 5 s after start cost llmgate 2-3× the CPU per stream of a warm
 * process, and async-profiler put 45% of that in the C1/C2 threads (bench/README.md). Each warm-up stream
 * is a real client on a new loopback connection — TCP accept, HTTP parse, the WebSocket upgrade, JWT
 * verification, admission, the session, the upstream request, the event encoding — in turn over Socket.IO,
 * SSE and the OpenAI API. Bounded by a count and a deadline; a failing stream ends the warm-up sooner.
 */
public final class SelfWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(SelfWarmup.class);
  /** The user ids warm-up streams run as (one per stream, so no per-user limit is reached). */
  private static final String USER_PREFIX = "llmgate-warmup-";
  private static final int TOKENS = WarmupUpstream.TOKENS;
  /** The warm-up gateway listens on loopback only. */
  private static final String HOST = "127.0.0.1";
  private static final String DONE = StreamEvent.Kind.DONE.eventName();
  private static final String FAILED = StreamEvent.Kind.FAILED.eventName();

  private final Vertx vertx;
  private final WarmupConfig config;
  private final int port;
  private final String provider;
  private final Function<String, String> tokens;
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private HttpClient http;
  private WebSocketClient ws;
  private long deadlineNanos;

  /**
   * Streams from {@code provider} on the gateway at 127.0.0.1:{@code port}; {@code tokens} signs a JWT
   * for one of the warm-up's user ids.
   */
  public SelfWarmup(Vertx vertx, WarmupConfig config, int port, String provider, Function<String, String> tokens) {
    this.vertx = vertx;
    this.config = config;
    this.port = port;
    this.provider = provider;
    this.tokens = tokens;
  }

  /** What the warm-up did: streams completed and failed, how long it took, and whether its deadline ended it. */
  public record Result(int streams, int failed, long millis, boolean timedOut) {
    public static final Result NONE = new Result(0, 0, 0, false);
  }

  /** Runs the warm-up; completes (never fails) when it is over. */
  public Future<Result> run() {
    long start = System.nanoTime();
    deadlineNanos = start + config.maxDuration().toNanos();
    // No keep-alive: every stream opens a connection, as each new client of a burst does.
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(config.concurrency()));
    ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(config.concurrency()));
    Promise<Result> done = Promise.promise();
    Function<Boolean, Result> result =
        timedOut -> new Result(ok.get(), failed.get(), (System.nanoTime() - start) / 1_000_000, timedOut);
    // The deadline ends the warm-up even if a stream never ends; closing the clients below ends such streams.
    long deadline = vertx.setTimer(Math.max(1, config.maxDuration().toMillis()), t -> done.tryComplete(result.apply(true)));
    AtomicInteger running = new AtomicInteger(config.concurrency());
    for (int i = 0; i < config.concurrency(); i++) {
      next(() -> {
        if (running.decrementAndGet() == 0) {
          vertx.cancelTimer(deadline);
          done.tryComplete(result.apply(false));
        }
      });
    }
    return done.future().compose(over -> Future.all(http.close(), ws.close()).transform(closed -> {
      log(over);
      return Future.succeededFuture(over);
    }));
  }

  private void log(Result result) {
    if (result.timedOut()) {
      LOG.warn("warm-up: stopped at warmup.max-duration ({} ms) after {} of {} streams", result.millis(),
          result.streams(), config.streams());
    } else if (result.failed() > 0) {
      LOG.warn("warm-up: ended by a failed stream after {} streams in {} ms; ready anyway", result.streams(),
          result.millis());
    } else {
      LOG.info("warm-up: {} streams in {} ms", result.streams(), result.millis());
    }
  }

  /** One client's loop: streams back to back until the count is reached, the deadline passes or one fails. */
  private void next(Runnable over) {
    int n = started.getAndIncrement();
    if (n >= config.streams() || System.nanoTime() > deadlineNanos || failed.get() > 0) {
      over.run();
      return;
    }
    String user = USER_PREFIX + n;
    Future<Void> stream = switch (n % 3) {
      case 0 -> socketIo(user, tokens.apply(user));
      case 1 -> http("/v1/streams", tokens.apply(user), chatPayload(user));
      default -> http("/v1/chat/completions", tokens.apply(user), new JsonObject().put("model", provider)
          .put("stream", true).put("max_tokens", TOKENS).put("messages", messages()));
    };
    stream.onComplete(result -> {
      if (result.succeeded()) {
        ok.incrementAndGet();
      } else if (System.nanoTime() <= deadlineNanos) { // after it, the deadline closed the stream
        failed.incrementAndGet();
        LOG.warn("warm-up stream {} failed: {}", n, result.cause().getMessage());
      }
      next(over);
    });
  }

  private static JsonArray messages() {
    return new JsonArray().add(new JsonObject().put("role", "user").put("content", "In the beginning"));
  }

  private JsonObject chatPayload(String user) {
    return new JsonObject().put("sessionId", user).put("provider", provider).put("maxTokens", TOKENS)
        .put("messages", messages());
  }

  /** A POST whose event stream is read to its end (SSE's {@code llm:stream:done}, the API's {@code [DONE]}). */
  private Future<Void> http(String path, String token, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(HOST).setPort(port).setURI(path)
        .putHeader("authorization", "Bearer " + token).putHeader("content-type", "application/json")
        .putHeader("accept", "text/event-stream");
    return http.request(options).compose(request -> request.send(body.toBuffer())).compose(response -> {
      if (response.statusCode() != 200) {
        return response.body().compose(b -> Future.failedFuture(path + ": HTTP " + response.statusCode() + " " + b));
      }
      return response.body().compose(b -> b.toString().contains(DONE) || b.toString().contains("data: [DONE]")
          ? Future.<Void>succeededFuture() : Future.failedFuture(path + ": no end event in " + b));
    });
  }

  /**
   * Socket.IO over a WebSocket (Engine.IO v4): the open packet, CONNECT with the token, {@code llm:chat:stream},
   * and the stream's events through {@code llm:stream:done}.
   */
  private Future<Void> socketIo(String user, String token) {
    Promise<Void> done = Promise.promise();
    String chat = "42" + new JsonArray().add(Command.CHAT.eventName()).add(chatPayload(user)).encode();
    // Handlers go on before connecting: set in a callback of connect() they could miss the Engine.IO OPEN,
    // and the warm-up would then wait for its deadline.
    ClientWebSocket socket = ws.webSocket();
    socket.closeHandler(v -> done.tryFail("socket.io: closed before " + DONE));
    socket.textMessageHandler(message -> {
      if (message.startsWith("0{")) {
        socket.writeTextMessage("40" + new JsonObject().put("token", token).encode());
      } else if (message.startsWith("40")) {
        socket.writeTextMessage(chat);
      } else if (message.equals("2")) {
        socket.writeTextMessage("3");
      } else if (message.startsWith("42[\"" + DONE + "\"")) {
        done.tryComplete();
        socket.close();
      } else if (message.startsWith("42[\"" + FAILED + "\"") || message.startsWith("44")) {
        done.tryFail("socket.io: " + message);
        socket.close();
      }
    });
    socket.connect(new WebSocketConnectOptions().setHost(HOST).setPort(port).setURI("/socket.io/?EIO=4&transport=websocket"))
        .onFailure(done::tryFail);
    return done.future();
  }
}
