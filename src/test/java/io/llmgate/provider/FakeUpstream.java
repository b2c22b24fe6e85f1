package io.llmgate.provider;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A provider's HTTP server for tests, like OkHttp's MockWebServer: a real Vert.x server on port 0 that
 * answers each request with the next scripted {@link Reply} — fixture bytes replayed exactly, in the
 * chunks and with the delays the test chose, or a fault (stall, reset, clean close without the end
 * marker). It records every request, and tells when the client closed the connection, which is how a
 * test proves that cancel reached the upstream.
 */
public final class FakeUpstream implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  private final String scheme;
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
  private final AtomicLong requestCount = new AtomicLong();
  private final AtomicLong connectionCount = new AtomicLong();

  private FakeUpstream(Vertx vertx, HttpServerOptions options) throws Exception {
    this.vertx = vertx;
    this.scheme = options.isSsl() ? "https" : "http";
    this.server = vertx.createHttpServer(options).requestHandler(this::handle)
        .connectionHandler(connection -> connectionCount.incrementAndGet());
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public static FakeUpstream start(Vertx vertx) {
    return start(vertx, new HttpServerOptions());
  }

  /**
   * With {@code options}, e.g. a small send buffer, so that a stalled reader stalls the fake soon, or TLS
   * (then {@link #baseUrl()} is https://).
   */
  public static FakeUpstream start(Vertx vertx, HttpServerOptions options) {
    try {
      return new FakeUpstream(vertx, options);
    } catch (Exception e) {
      throw new IllegalStateException("fake upstream did not start", e);
    }
  }

  public String baseUrl() {
    return scheme + "://127.0.0.1:" + server.actualPort();
  }

  /** Queues the answer to the next request; requests beyond the script get a 500. */
  public FakeUpstream enqueue(Reply reply) {
    script.add(reply);
    return this;
  }

  public Recorded takeRequest() {
    try {
      Recorded next = requests.poll(10, TimeUnit.SECONDS);
      if (next == null) {
        throw new AssertionError("no request reached the fake upstream within 10 s");
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public long requestCount() {
    return requestCount.get();
  }

  /** The connections that carried a request or an HTTP/2 preface so far. */
  public long connectionCount() {
    return connectionCount.get();
  }

  @Override
  public void close() {
    server.close();
  }

  /** What one request looked like, and what became of its connection (on HTTP/2: of its stream). */
  public record Recorded(String method, String uri, MultiMap headers, String body,
      CompletableFuture<Long> connectionClosedAt, CompletableFuture<Void> finished, AtomicLong bytesWritten,
      AtomicBoolean writesStalled) {

    /** An endless answer's writes wait for its write queue to drain: the client stopped reading it. */
    public boolean stalled() {
      return writesStalled.get();
    }

    /** Waits for the client to close the connection; the {@code System.nanoTime()} it happened. */
    public long awaitClosed() {
      try {
        return connectionClosedAt.get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the client did not close the upstream connection within 10 s", e);
      }
    }

    /** Waits until the answer was sent to its end or its connection closed: nothing of it is left open. */
    public void awaitFinished() {
      try {
        finished.get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the answer to " + uri + " was still open 10 s later: the client never closed it", e);
      }
    }

    public io.vertx.core.json.JsonObject json() {
      return new io.vertx.core.json.JsonObject(body);
    }
  }

  private void handle(HttpServerRequest request) {
    requestCount.incrementAndGet();
    CompletableFuture<Long> closed = new CompletableFuture<>();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    Handler<Void> onClose = v -> {
      closed.complete(System.nanoTime());
      finished.complete(null);
    };
    if (request.version() == HttpVersion.HTTP_2) {
      // The connection carries other streams: what ends this exchange early is its stream's reset
      // (RST_STREAM), after which the response closes without having ended.
      request.response().closeHandler(v -> {
        if (!request.response().ended()) {
          onClose.handle(null);
        }
      });
    } else {
      request.connection().closeHandler(onClose);
    }
    request.response().endHandler(v -> finished.complete(null));
    request.body().onSuccess(body -> {
      Recorded recorded = new Recorded(request.method().name(), request.uri(), request.headers(), body.toString(),
          closed, finished, new AtomicLong(), new AtomicBoolean());
      requests.add(recorded);
      Reply reply = script.poll();
      (reply == null ? Reply.status(500).body("{\"error\":{\"message\":\"no reply scripted\"}}") : reply)
          .serve(vertx, request.response(), recorded);
    });
  }

  /** How the fixture bytes are cut into writes. */
  public enum Chunking { WHOLE, FRAMES, RANDOM_1_TO_7, SINGLE_BYTES }

  /** What the fake answers to one request. Built fluently; every write is flushed as it goes. */
  public static final class Reply {
    private int status = 200;
    private final Map<String, String> headers = new java.util.LinkedHashMap<>();
    private byte[] body = new byte[0];
    private Chunking chunking = Chunking.WHOLE;
    private long delayMs;
    private boolean stallBeforeHeaders;
    private int cutAt = -1;
    private Cut cut = Cut.NONE;
    private IntFunction<byte[]> endlessFrame;
    private long keepAliveEveryMs;

    private enum Cut { NONE, STALL, RESET, END }

    public static Reply status(int status) {
      Reply reply = new Reply();
      reply.status = status;
      return reply.header("content-type", status == 200 ? "text/event-stream; charset=utf-8" : "application/json");
    }

    public static Reply stream(byte[] fixture) {
      return status(200).body(fixture);
    }

    public Reply header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Reply body(byte[] bytes) {
      body = bytes;
      return this;
    }

    public Reply body(String text) {
      return body(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Reply chunking(Chunking how, long delayBetweenWritesMs) {
      chunking = how;
      delayMs = delayBetweenWritesMs;
      return this;
    }

    /** Reads the request, then never answers. */
    public Reply stallBeforeHeaders() {
      stallBeforeHeaders = true;
      return this;
    }

    /** Writes the first {@code bytes} of the body, then nothing more, leaving the connection open. */
    public Reply stallAfter(int bytes) {
      return cut(Cut.STALL, bytes);
    }

    /** Writes the first {@code bytes}, then drops the TCP connection mid-body. */
    public Reply resetAfter(int bytes) {
      return cut(Cut.RESET, bytes);
    }

    /** Writes the first {@code bytes}, then ends the response cleanly: a close without the end marker. */
    public Reply endAfter(int bytes) {
      return cut(Cut.END, bytes);
    }

    /** After the body, writes SSE comments every {@code everyMs} and no data (DeepSeek's queue). */
    public Reply keepAliveEvery(long everyMs) {
      keepAliveEveryMs = everyMs;
      return this;
    }

    /** After the body, writes frame(0), frame(1) … for as long as the client reads (backpressure). */
    public Reply endless(IntFunction<byte[]> frame) {
      endlessFrame = frame;
      return this;
    }

    private Reply cut(Cut how, int bytes) {
      cut = how;
      cutAt = bytes;
      return this;
    }

    void serve(Vertx vertx, HttpServerResponse response, Recorded recorded) {
      if (stallBeforeHeaders) {
        return;
      }
      response.setStatusCode(status);
      headers.forEach(response::putHeader);
      response.setChunked(true);
      byte[] sent = cutAt >= 0 ? java.util.Arrays.copyOf(body, Math.min(cutAt, body.length)) : body;
      List<Buffer> writes = split(sent);
      response.writeHead();
      writeNext(vertx, response, recorded, writes, 0, Future.succeededFuture());
    }

    private void writeNext(Vertx vertx, HttpServerResponse response, Recorded recorded, List<Buffer> writes, int i,
        Future<Void> lastWrite) {
      int next = i;
      Future<Void> written = lastWrite;
      do {
        if (next == writes.size()) {
          afterBody(vertx, response, recorded, written);
          return;
        }
        written = response.write(writes.get(next));
        recorded.bytesWritten().addAndGet(writes.get(next).length());
        next++;
      } while (delayMs == 0);
      int after = next;
      Future<Void> sentSoFar = written;
      vertx.setTimer(delayMs, t -> writeNext(vertx, response, recorded, writes, after, sentSoFar));
    }

    private void afterBody(Vertx vertx, HttpServerResponse response, Recorded recorded, Future<Void> written) {
      switch (cut) {
        case STALL -> { }
        // Once the body so far is out: an HTTP/2 reset drops the stream's DATA frames still queued, which a
        // server failing mid-body would have sent.
        case RESET -> written.onComplete(sent -> response.reset());
        case END -> response.end();
        case NONE -> {
          if (endlessFrame != null) {
            writeEndless(vertx, response, recorded, 0);
          } else if (keepAliveEveryMs > 0) {
            vertx.setPeriodic(keepAliveEveryMs, id -> {
              if (response.closed()) {
                vertx.cancelTimer(id);
              } else {
                response.write(": keep-alive\n\n");
              }
            });
          } else {
            response.end();
          }
        }
      }
    }

    private void writeEndless(Vertx vertx, HttpServerResponse response, Recorded recorded, int n) {
      recorded.writesStalled().set(false);
      int next = n;
      while (!response.writeQueueFull() && !response.closed()) {
        byte[] frame = endlessFrame.apply(next++);
        response.write(Buffer.buffer(frame));
        recorded.bytesWritten().addAndGet(frame.length);
        if (next % 64 == 0) {
          // A socket that takes everything would keep this event loop from its other connections.
          int resumeAt = next;
          vertx.runOnContext(v -> writeEndless(vertx, response, recorded, resumeAt));
          return;
        }
      }
      if (!response.closed()) {
        recorded.writesStalled().set(true);
        int resumeAt = next;
        response.drainHandler(v -> writeEndless(vertx, response, recorded, resumeAt));
      }
    }

    private List<Buffer> split(byte[] bytes) {
      List<Buffer> writes = new ArrayList<>();
      switch (chunking) {
        case WHOLE -> writes.add(Buffer.buffer(bytes));
        case SINGLE_BYTES -> {
          for (byte b : bytes) {
            writes.add(Buffer.buffer(new byte[] {b}));
          }
        }
        case RANDOM_1_TO_7 -> {
          Random random = new Random(bytes.length);
          for (int i = 0; i < bytes.length; ) {
            int n = Math.min(bytes.length - i, 1 + random.nextInt(7));
            writes.add(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, i + n)));
            i += n;
          }
        }
        case FRAMES -> splitFrames(bytes, writes);
      }
      return writes;
    }

    /** One write per SSE frame: cut after each blank line, whether LF or CRLF framed. */
    private static void splitFrames(byte[] bytes, List<Buffer> writes) {
      int start = 0;
      for (int i = 1; i < bytes.length; i++) {
        boolean lf = bytes[i] == '\n' && bytes[i - 1] == '\n';
        boolean crlf = i >= 3 && bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r';
        if (lf || crlf) {
          writes.add(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, start, i + 1)));
          start = i + 1;
        }
      }
      if (start < bytes.length) {
        writes.add(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, start, bytes.length)));
      }
    }
  }
}
