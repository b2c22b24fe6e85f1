package io.llmgate.bench;

import io.llmgate.Gateway;
import io.llmgate.config.GatewayConfig;
import io.llmgate.config.Limits;
import io.llmgate.config.ResumeConfig;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.ProviderStream;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.StreamListener;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Measures, on the heap, what a detached stream costs: N clients start a stream, read its first tokens
 * and drop their connection (no goodbye); each stream then runs on with no client, in its grace period,
 * until it has produced {@code tokens} tokens, and waits there (the upstream holds the rest). The heap
 * used after forced full collections, minus the same gateway's before the streams, divided by N, is the
 * cost of one detached stream; its growth with {@code tokens} is the cost of one kept token. A fresh
 * gateway per round, so no round inherits another's replay log. Run on demand (bench/README.md), never by
 * the tests; the numbers it prints are the result, nothing is asserted.
 */
public final class DetachedStreamMemory {
  private static final String USER = "memory-user";
  private static final int TOKENS_BEFORE_DROP = 5;
  private static final int WARM_UP = 20;
  /** Characters per token at least ({@code -Dtoken.chars}, padded with spaces), for large answers. */
  private static final int TOKEN_CHARS = Integer.getInteger("token.chars", 0);
  /** resume.max-chars-per-stream and limits.max-full-response ({@code -Dmax.chars}); their defaults otherwise. */
  private static final int MAX_CHARS = Integer.getInteger("max.chars", ResumeConfig.DEFAULT.maxCharsPerStream());

  private DetachedStreamMemory() {}

  public static void main(String[] args) throws Exception {
    int streams = Integer.getInteger("streams", 500);
    List<Integer> tokenCounts = List.of(Integer.getInteger("tokens.low", 20), Integer.getInteger("tokens.high", 400));
    System.out.printf("detached-stream memory: %d streams per round, %s tokens each, %s%n", streams, tokenCounts,
        ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
    System.out.println("| transport | tokens kept per stream | heap per detached stream | per kept token (slope) |");
    System.out.println("|---|---|---|---|");
    for (String transport : List.of("ws", "socketio")) {
      List<Double> perStream = new ArrayList<>();
      for (int tokens : tokenCounts) {
        perStream.add(round(transport, streams, tokens));
      }
      double slope = (perStream.get(1) - perStream.get(0)) / (tokenCounts.get(1) - tokenCounts.get(0));
      for (int i = 0; i < tokenCounts.size(); i++) {
        System.out.printf("| %s | %d | %,.0f B | %s |%n", transport, tokenCounts.get(i), perStream.get(i),
            i == 0 ? "" : String.format("%.1f B", slope));
      }
    }
  }

  /** Heap bytes per detached stream with {@code tokens} tokens each in its replay log. */
  private static double round(String transport, int streams, int tokens) throws Exception {
    Vertx vertx = Vertx.vertx();
    HeldProvider provider = new HeldProvider(tokens);
    int all = streams + WARM_UP;
    GatewayConfig config = GatewayConfig.defaults(0)
        .withLimits(new Limits(1_000_000, Duration.ofMinutes(1), all, Limits.DEFAULT.maxRequestBytes())
            .withMaxFullResponse(MAX_CHARS))
        .withResume(new ResumeConfig(ResumeConfig.DEFAULT.window(), ResumeConfig.DEFAULT.maxEventsPerStream(),
            Math.max(ResumeConfig.DEFAULT.maxEvents(), all * (tokens + 2)), Duration.ofMinutes(10), MAX_CHARS));
    AtomicInteger detached = new AtomicInteger();
    StreamListener counting = new StreamListener() {
      @Override
      public void detached(StreamInfo stream) {
        detached.incrementAndGet();
      }
    };
    Gateway gateway = Gateway.start(vertx, config, new ProviderRegistry().register(provider), counting)
        .await(30, TimeUnit.SECONDS);
    String token = gateway.authenticator().issue(USER, 3600);
    try {
      runClients(gateway.port(), token, transport, WARM_UP, "warm-up"); // the code paths loaded
      await("warm-up streams detached", () -> detached.get() == WARM_UP);
      provider.release();
      await("warm-up streams at their last token", () -> provider.finished.get() == WARM_UP);
      long before = heapAfterGc();

      runClients(gateway.port(), token, transport, streams, "s");
      await("every stream detached", () -> detached.get() == all);
      provider.release(); // each stream now produces the rest of its tokens with no client
      await("every stream at its last token", () -> provider.finished.get() == all);
      long after = heapAfterGc();
      return (double) (after - before) / streams;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** {@code count} clients, each starting one stream and dropping its connection after a few tokens. */
  private static void runClients(int port, String token, String transport, int count, String prefix)
      throws Exception {
    Vertx clients = Vertx.vertx();
    try {
      WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count));
      AtomicInteger dropped = new AtomicInteger();
      for (int i = 0; i < count; i++) {
        JsonObject request = new JsonObject().put("sessionId", prefix + "-" + i).put("provider", HeldProvider.NAME)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
        ClientWebSocket ws = client.webSocket();
        AtomicInteger tokensSeen = new AtomicInteger();
        Handler<Void> tokenSeen = v -> {
          if (tokensSeen.incrementAndGet() == TOKENS_BEFORE_DROP) {
            // Gone without a word (no cancel, no Socket.IO disconnect packet): the server sees a drop.
            ws.close().onComplete(r -> dropped.incrementAndGet());
          }
        };
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port);
        if (transport.equals("ws")) {
          options.setURI("/ws").addHeader("Authorization", "Bearer " + token);
          ws.textMessageHandler(text -> {
            if (text.startsWith("{\"event\":\"llm:stream:token\"")) {
              tokenSeen.handle(null);
            }
          });
          ws.connect(options).onSuccess(open -> ws.writeTextMessage(
              new JsonObject().put("event", "llm:chat:stream").put("data", request).encode()));
        } else {
          options.setURI("/socket.io/?EIO=4&transport=websocket");
          ws.textMessageHandler(text -> {
            if (text.startsWith("0")) {
              ws.writeTextMessage("40" + new JsonObject().put("token", token).encode());
            } else if (text.startsWith("40")) {
              ws.writeTextMessage("42" + new JsonArray().add("llm:chat:stream").add(request).encode());
            } else if (text.equals("2")) {
              ws.writeTextMessage("3");
            } else if (text.startsWith("42[\"llm:stream:token\"")) {
              tokenSeen.handle(null);
            }
          });
          ws.connect(options);
        }
      }
      await(count + " clients dropped", () -> dropped.get() == count);
    } finally {
      clients.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /**
   * An upstream that sends {@link #TOKENS_BEFORE_DROP} tokens at once, the rest of its {@code tokens} when
   * released (its clients gone by then), and then nothing: the generation goes on past the measurement.
   * It keeps no log of its own, so the heap it adds per stream is a handful of small objects. Not
   * testing/Playback, whose tests need the moment each step went out: it keeps a boxed timestamp per step,
   * about 20 bytes per token, the same order as the 26-33 bytes per kept token measured here.
   */
  private static final class HeldProvider implements ChatProvider {
    static final String NAME = "held";
    final int tokens;
    final List<Held> held = new CopyOnWriteArrayList<>();
    final AtomicInteger finished = new AtomicInteger();

    HeldProvider(int tokens) {
      this.tokens = tokens;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String defaultModel() {
      return "held-model";
    }

    @Override
    public ProviderStream open(ChatRequest request) {
      Held stream = new Held(this, Vertx.currentContext());
      held.add(stream);
      stream.context.runOnContext(v -> stream.send(0, TOKENS_BEFORE_DROP));
      return stream;
    }

    /** Sends the rest of every stream opened so far, once. */
    void release() {
      List<Held> waiting = new ArrayList<>(held);
      held.removeAll(waiting);
      for (Held stream : waiting) {
        stream.context.runOnContext(v -> {
          stream.send(TOKENS_BEFORE_DROP, tokens);
          finished.incrementAndGet();
        });
      }
    }
  }

  private static final class Held implements ProviderStream {
    final HeldProvider provider;
    final io.vertx.core.Context context;
    Handler<UpstreamEvent> handler;
    boolean cancelled;

    Held(HeldProvider provider, io.vertx.core.Context context) {
      this.provider = provider;
      this.context = context;
    }

    void send(int from, int to) {
      if (from == 0 && handler != null) {
        handler.handle(new UpstreamEvent.Opened(HeldProvider.NAME, "held-model"));
      }
      for (int i = from; i < to && !cancelled && handler != null; i++) {
        String text = "w" + i + " ";
        handler.handle(new UpstreamEvent.TextDelta(text + " ".repeat(Math.max(0, TOKEN_CHARS - text.length()))));
      }
    }

    @Override
    public ProviderStream exceptionHandler(Handler<Throwable> h) {
      return this;
    }

    @Override
    public ProviderStream handler(Handler<UpstreamEvent> h) {
      handler = h;
      return this;
    }

    @Override
    public ProviderStream pause() {
      return this;
    }

    @Override
    public ProviderStream resume() {
      return this;
    }

    @Override
    public ProviderStream fetch(long amount) {
      return this;
    }

    @Override
    public ProviderStream endHandler(Handler<Void> h) {
      return this;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
