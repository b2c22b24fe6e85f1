package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.GatewayConfig;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Recorded;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.openai.ChatChunks;
import io.llmgate.testing.Await;
import io.llmgate.testing.MetricsScrape;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 1,000 SSE clients that start a stream of an endless upstream answer and then never read: backpressure
 * must reach every upstream (the fake upstream's writes stall, so llmgate stopped reading it) instead of
 * llmgate buffering what the clients do not take. The heap and direct memory are printed (MEMORY …), not
 * asserted; what is asserted is behaviour: every upstream stalls and stays stalled, the gateway still
 * answers a newcomer meanwhile, and once the clients are gone every stream has ended, the gauge is 0 and
 * every upstream connection is closed.
 */
class SlowClientsTest {
  private static final int CLIENTS = 1000;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private Vertx vertx;
  private Vertx upstreamVertx;
  private FakeUpstream openai;
  private Gateway gateway;
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    // The upstream on event loops of its own, as a provider's servers are, with a small send buffer.
    upstreamVertx = Vertx.vertx();
    openai = FakeUpstream.start(upstreamVertx, new HttpServerOptions().setSendBufferSize(16 * 1024));
    GatewayConfig config = GatewayConfig.defaults(0).withJwtSecret(Optional.of("slow-clients-secret-0123456789abcdef"))
        .withEnv(Map.of("OPENAI_API_KEY", "sk-slow-clients", "OPENAI_BASE_URL", openai.baseUrl() + "/v1"));
    gateway = Gateway.start(vertx, config).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket client : clients) {
      client.close();
    }
    openai.close();
    upstreamVertx.close().await(30, TimeUnit.SECONDS);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void clientsThatStopReadingPauseTheirUpstreamsAndLeaveNothingBehind() throws Exception {
    Memory before = Memory.measure();
    // Frames of 2 KB: each upstream writes as fast as its socket takes it, for as long as it is read.
    String text = "x".repeat(2048);
    for (int i = 0; i < CLIENTS; i++) {
      openai.enqueue(Reply.stream(new byte[0]).endless(n -> ChatChunks.textFrame("gpt-slow", n + text)));
    }
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(startWithoutReading());
    }
    List<Recorded> upstreams = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      upstreams.add(openai.takeRequest());
    }
    LongSupplier written = () -> upstreams.stream().mapToLong(r -> r.bytesWritten().get()).sum();

    long quietFrom = System.nanoTime();
    // A loaded machine can keep llmgate from reading for a moment, hence the long quiet period before calling it a pause.
    long stalledAfterMs = (Await.stable("the upstreams are no longer read once their clients stopped reading", written,
        Duration.ofSeconds(3), WAIT) - quietFrom) / 1_000_000;
    long writtenWhenStalled = written.getAsLong();
    Memory paused = Memory.measure();
    Thread.sleep(2000); // the upstreams are endless: any stream still read would write on meanwhile
    assertThat(upstreams).as("every upstream waits for its reader").allMatch(Recorded::stalled);
    assertThat(written.getAsLong()).as("no upstream is read while its client does not read").isEqualTo(writtenWhenStalled);
    Memory stillPaused = Memory.measure();
    assertThat(upstreams).allSatisfy(r -> assertThat(r.bytesWritten().get()).as("every upstream was read at first")
        .isPositive());

    openai.enqueue(Reply.status(200)
        .body(new String(ChatChunks.textFrame("gpt-slow", "still here"), StandardCharsets.UTF_8) + "data: [DONE]\n\n"));
    assertThat(readWholeAnswer()).as("a newcomer is served meanwhile").contains("llm:stream:done").contains("still here");

    for (Socket client : clients) {
      client.close();
    }
    clients.clear();
    for (Recorded upstream : upstreams) {
      upstream.awaitClosed();
    }
    awaitNoActiveStreams();
    HttpClient http = vertx.createHttpClient();
    assertThat(MetricsScrape.sum(http, gateway.port(), "llmgate_streams_active")).isZero();
    Memory after = Memory.measure();

    System.out.printf("MEMORY %d clients not reading: upstreams stalled %d ms after the last request, having written"
        + " %,d bytes each on average (socket buffers and write queues in between)%n", CLIENTS, stalledAfterMs,
        writtenWhenStalled / CLIENTS);
    System.out.printf("MEMORY before %s | paused %s | paused 2 s later %s | all closed %s | per paused stream: "
        + "heap %,d B, direct %,d B (both ends in this JVM: llmgate and the fake upstream)%n", before, paused,
        stillPaused, after, (paused.heap - before.heap) / CLIENTS, (paused.direct - before.direct) / CLIENTS);
  }

  /** A raw SSE request of a user of its own; the socket's small receive buffer fills at once. */
  private Socket startWithoutReading() throws Exception {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 10_000);
    JsonObject body = new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", "openai")
        .put("resumeGraceMs", 0)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    String head = "POST /v1/streams HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Authorization: Bearer " + gateway.authenticator().issue("slow-" + UUID.randomUUID(), 3600) + "\r\n"
        + "Content-Length: " + bytes.length + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    return socket;
  }

  private String readWholeAnswer() throws Exception {
    try (Socket socket = startWithoutReading()) {
      socket.setSoTimeout((int) WAIT.toMillis());
      StringBuilder answer = new StringBuilder();
      byte[] buffer = new byte[8192];
      for (int n; !answer.toString().contains("llm:stream:done") && (n = socket.getInputStream().read(buffer)) > 0; ) {
        answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
      return answer.toString();
    }
  }

  private void awaitNoActiveStreams() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (gateway.streams().activeStreams() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(gateway.streams().activeStreams() + " streams still active after " + WAIT);
      }
      Thread.sleep(20);
    }
  }

  /** Live heap after full collections, and direct memory (JDK buffers plus Netty's pooled arenas). */
  private record Memory(long heap, long direct) {
    static Memory measure() {
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long jdkDirect = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
          .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
      return new Memory(heap, jdkDirect + PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory());
    }

    @Override
    public String toString() {
      return String.format("heap %.1f MB, direct %.1f MB", heap / 1e6, direct / 1e6);
    }
  }
}
