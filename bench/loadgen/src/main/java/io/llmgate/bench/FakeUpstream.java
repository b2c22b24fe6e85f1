package io.llmgate.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast OpenAI-style upstream: {@code POST …/chat/completions} streams {@code chat.completion.chunk}
 * frames. What to stream comes from the last user message, {@code bench id=ID frames=N interval=MS}, so
 * it passes unchanged through any gateway. Each token's text is {@code ts=<System.nanoTime()>;}: on Linux
 * that is CLOCK_MONOTONIC, shared by every process on the machine, so a client can tell how long each
 * frame took to reach it. The first token goes out with the response headers; {@code interval=0} writes
 * as fast as the reader takes them. When a connection closes before its stream ended, it records when, for
 * {@code GET /bench/closed} (that is how cancel latency is measured: at the upstream).
 *
 * <p>A third argument, the handshake in ms, stands in for the TCP and TLS handshakes of a provider across a
 * network (loopback has neither a round trip nor TLS here): a connection's first answer starts no earlier
 * than that long after the connection was accepted. A pooled connection has it behind it; a connection
 * opened for the request pays it, as it would pay the round trips to a real provider.
 */
public final class FakeUpstream extends AbstractVerticle {
  private static final ConcurrentLinkedQueue<String> CLOSED = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger ACTIVE = new AtomicInteger();
  /** Connections accepted since start: a burst's growth is the connections its gateway opened to the upstream. */
  private static final AtomicLong ACCEPTED = new AtomicLong();
  private static final String PREFIX = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1782955818,\"model\":\"bench-model\",\"service_tier\":\"default\","
      + "\"system_fingerprint\":\"fp_bench0000\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
  private static final String SUFFIX = "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
  private static final Buffer FINISH = Buffer.buffer("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1782955818,\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
      + "\"usage\":null}\n\ndata: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1782955818,"
      + "\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":1,"
      + "\"total_tokens\":13}}\n\ndata: [DONE]\n\n");

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args.length > 0 ? args[0] : "0");
    int loops = Integer.parseInt(args.length > 1 ? args[1] : "1");
    long handshakeMs = Long.parseLong(args.length > 2 ? args[2] : "0");
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(loops));
    vertx.deployVerticle(() -> new FakeUpstream(port, handshakeMs), new DeploymentOptions().setInstances(loops))
        .await(30, TimeUnit.SECONDS);
    System.out.println("fake upstream listening on " + port + (vertx.isNativeTransportEnabled() ? " (native epoll)" : " (NIO)")
        + (handshakeMs > 0 ? ", a new connection's handshake taking " + handshakeMs + " ms" : ""));
  }

  private final int port;
  private final long handshakeMs;
  /** When each open connection was accepted (System.nanoTime()); this instance's loop alone touches it. */
  private final Map<HttpConnection, Long> acceptedAt = new HashMap<>();

  private FakeUpstream(int port, long handshakeMs) {
    this.port = port;
    this.handshakeMs = handshakeMs;
  }

  @Override
  public void start(io.vertx.core.Promise<Void> started) {
    // h2c only when asked (-Dbench.upstream.h2c=true, for llmgate's providers.http2): with it the server reads
    // a connection's first bytes before it calls the connection handler, which then times an HTTP/1.1
    // connection's handshake from its request instead of from its accept (an HTTP/2 client sends its preface
    // at once, so there the two are the same). Streams per HTTP/2 connection: 100 unless told, the least
    // RFC 9113 recommends a server to allow, so that a burst beyond it opens connections as against a provider.
    vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)
            .setHttp2ClearTextEnabled(Boolean.getBoolean("bench.upstream.h2c"))
            .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(Long.getLong("bench.upstream.h2.streams", 100)))
            .setHost("127.0.0.1").setPort(port))
        .connectionHandler(this::accepted).requestHandler(this::handle)
        .listen().<Void>mapEmpty().onComplete(started);
  }

  private void accepted(HttpConnection connection) {
    ACCEPTED.incrementAndGet();
    if (handshakeMs > 0) {
      acceptedAt.put(connection, System.nanoTime());
      connection.closeHandler(v -> acceptedAt.remove(connection));
    }
  }

  /** Runs {@code answer} once the connection's emulated handshake is over. */
  private void afterHandshake(HttpServerRequest request, Runnable answer) {
    Long accepted = acceptedAt.get(request.connection());
    long waitMs = accepted == null ? 0
        : TimeUnit.NANOSECONDS.toMillis(accepted + TimeUnit.MILLISECONDS.toNanos(handshakeMs) - System.nanoTime());
    if (waitMs > 0) {
      vertx.setTimer(waitMs, id -> answer.run());
    } else {
      answer.run();
    }
  }

  private void handle(HttpServerRequest request) {
    if (request.path().equals("/bench/closed")) {
      StringBuilder out = new StringBuilder();
      for (String line; (line = CLOSED.poll()) != null; ) {
        out.append(line).append('\n');
      }
      request.response().end(out.toString());
      return;
    }
    if (request.path().equals("/bench/accepted")) {
      request.response().end(String.valueOf(ACCEPTED.get()));
      return;
    }
    if (request.path().equals("/bench/active")) {
      request.response().end(String.valueOf(ACTIVE.get()));
      return;
    }
    if (!request.path().endsWith("/chat/completions")) {
      request.response().setStatusCode(404).end();
      return;
    }
    request.body().onSuccess(body -> afterHandshake(request,
        () -> stream(request.response(), Spec.parse(lastUserText(body)))));
  }

  private static String lastUserText(Buffer body) {
    JsonArray messages = new JsonObject(body).getJsonArray("messages");
    return messages.getJsonObject(messages.size() - 1).getString("content");
  }

  private void stream(HttpServerResponse response, Spec spec) {
    ACTIVE.incrementAndGet();
    Stream stream = new Stream(response, spec);
    response.closeHandler(v -> stream.closed());
    response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
    stream.next();
  }

  /** {@code bench id=ID frames=N interval=MS}. */
  record Spec(String id, int frames, long intervalMs) {
    static Spec parse(String text) {
      String id = "?";
      int frames = 10;
      long interval = 20;
      for (String part : text.split(" ")) {
        if (part.startsWith("id=")) {
          id = part.substring(3);
        } else if (part.startsWith("frames=")) {
          frames = Integer.parseInt(part.substring(7));
        } else if (part.startsWith("interval=")) {
          interval = Long.parseLong(part.substring(9));
        }
      }
      return new Spec(id, frames, interval);
    }
  }

  private final class Stream {
    final HttpServerResponse response;
    final Spec spec;
    int sent;
    boolean over;
    long timer = -1;

    Stream(HttpServerResponse response, Spec spec) {
      this.response = response;
      this.spec = spec;
    }

    void next() {
      if (over) {
        return;
      }
      if (spec.intervalMs() > 0) {
        frame();
        if (sent < spec.frames()) {
          timer = vertx.setTimer(spec.intervalMs(), t -> next());
        } else {
          finish();
        }
        return;
      }
      while (sent < spec.frames() && !response.writeQueueFull()) {
        frame();
      }
      if (sent < spec.frames()) {
        response.drainHandler(v -> next());
      } else {
        finish();
      }
    }

    void frame() {
      sent++;
      response.write(PREFIX + "ts=" + System.nanoTime() + ";" + SUFFIX);
    }

    void finish() {
      over = true;
      ACTIVE.decrementAndGet();
      response.end(FINISH);
    }

    void closed() {
      if (!over) {
        CLOSED.add(spec.id() + " " + System.nanoTime());
        over = true;
        ACTIVE.decrementAndGet();
        vertx.cancelTimer(timer);
      }
    }
  }
}
