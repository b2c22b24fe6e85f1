package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.openai.ChatChunks;
import io.llmgate.testing.GatewayProcess;
import io.llmgate.testing.TestTokens;
import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.EventRecorder.Received;
import io.llmgate.transport.HttpEventStream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM reaches the real llmgate process ({@link GatewayProcess}) while 100 SSE streams run from a fake
 * OpenAI upstream: half of the answers end within the drain period, half would take far longer. It turns
 * unready at once while the streams run on, refuses a newcomer with {@code shutting_down}, lets every short
 * answer end in {@code done} and ends every long one with the {@code shutting_down} error — exactly one
 * final event each — and exits 0 once the drain period is over.
 */
class SigtermUnderLoadTest {
  private static final int STREAMS = 100;
  private static final Duration DRAIN = Duration.ofSeconds(4);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Vertx vertx;
  private FakeUpstream openai;
  private HttpClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    openai = FakeUpstream.start(vertx);
    client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(STREAMS + 10));
  }

  @AfterEach
  void stop() throws Exception {
    openai.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void sigtermDuringAHundredStreamsGivesEachOneFinalEventAndExitsZeroAfterTheDrain() throws Exception {
    for (int i = 0; i < STREAMS / 2; i++) {
      openai.enqueue(paced("short", 20, 100)); // 2 s: ends within the drain
      openai.enqueue(paced("long", 400, 50));  // 20 s: outlasts it
    }
    try (GatewayProcess server = GatewayProcess.start("server:\n  drain-timeout: " + DRAIN.toMillis() + "ms\n",
        Map.of("OPENAI_API_KEY", "sk-sigterm-test", "OPENAI_BASE_URL", openai.baseUrl() + "/v1"))) {
      TestTokens tokens = new TestTokens(vertx);
      List<EventRecorder> streams = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        streams.add(start(server, tokens.valid("sigterm-" + i)));
      }
      for (EventRecorder stream : streams) {
        stream.awaitCount(EventRecorder.TOKEN, 1, WAIT);
      }
      assertThat(readiness(server)).isEqualTo(200);

      long sigtermAt = System.nanoTime();
      server.process().destroy(); // SIGTERM
      int ready = readiness(server);
      for (int i = 0; i < 500 && ready == 200; i++) {
        Thread.sleep(10);
        ready = readiness(server);
      }
      long unreadyAt = System.nanoTime();
      assertThat(ready).as("/readyz once SIGTERM arrived").isEqualTo(503);
      List<EventRecorder> longOnes = streams.stream().filter(s -> s.tokens().get(0).startsWith("long")).toList();
      assertThat(longOnes).as("the long answers still run when it turned unready").hasSize(STREAMS / 2)
          .allSatisfy(s -> assertThat(s.finalCount()).isZero());
      EventRecorder newcomer = start(server, tokens.valid("sigterm-late"));
      assertThat(newcomer.awaitFinal(WAIT).data().getString("code")).isEqualTo("shutting_down");

      int finishedInTheDrain = 0;
      for (EventRecorder stream : streams) {
        Received last = stream.awaitFinal(WAIT);
        boolean isLong = stream.tokens().get(0).startsWith("long");
        if (isLong) {
          assertThat(last.event()).as(stream.summary()).isEqualTo(EventRecorder.ERROR);
          assertThat(last.data().getString("code")).isEqualTo("shutting_down");
          assertThat(last.data().getBoolean("retryable")).isTrue();
        } else {
          assertThat(last.event()).as(stream.summary()).isEqualTo(EventRecorder.DONE);
          assertThat(last.data().getString("fullResponse")).isEqualTo(String.join("", stream.tokens()))
              .isEqualTo(text("short", 20));
          finishedInTheDrain += last.atNanos() > sigtermAt ? 1 : 0;
        }
      }
      assertThat(server.process().waitFor(DRAIN.toSeconds() + 30, TimeUnit.SECONDS)).as("exited after the drain").isTrue();
      long exitedAt = System.nanoTime();
      assertThat(server.process().exitValue()).isZero();
      for (EventRecorder stream : streams) {
        List<Received> events = stream.events();
        assertThat(stream.finalCount()).as(stream.summary()).isEqualTo(1);
        assertThat(events.get(events.size() - 1).event()).isIn(EventRecorder.DONE, EventRecorder.ERROR);
      }
      System.out.printf("SIGTERM with %d streams: unready after %d ms, %d short answers ended in the drain, "
          + "exit 0 after %d ms (drain-timeout %d ms)%n", STREAMS, (unreadyAt - sigtermAt) / 1_000_000,
          finishedInTheDrain, (exitedAt - sigtermAt) / 1_000_000, DRAIN.toMillis());
    }
  }

  private EventRecorder start(GatewayProcess server, String token) throws Exception {
    EventRecorder events = new EventRecorder();
    JsonObject request = new JsonObject().put("sessionId", "s-" + UUID.randomUUID()).put("provider", "openai")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
    HttpEventStream.post(client, server.port(), "/v1/streams", token, request,
        frame -> events.add(frame.event(), new JsonObject(frame.data())),
        refused -> events.add(EventRecorder.ERROR, new JsonObject(refused)), () -> { });
    return events;
  }

  private int readiness(GatewayProcess server) throws Exception {
    return client.request(HttpMethod.GET, server.port(), "127.0.0.1", "/readyz")
        .compose(request -> request.send().compose(response -> response.body().map(body -> response.statusCode())))
        .await(10, TimeUnit.SECONDS);
  }

  /** {@code count} OpenAI chunks {@code <name>0 }, {@code <name>1 } … one every {@code everyMs}, then [DONE]. */
  private static Reply paced(String name, int count, long everyMs) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < count; i++) {
      body.append(new String(ChatChunks.textFrame("gpt-sigterm", name + i + " "), StandardCharsets.UTF_8));
    }
    body.append("data: [DONE]\n\n");
    return Reply.stream(body.toString().getBytes(StandardCharsets.UTF_8)).chunking(FakeUpstream.Chunking.FRAMES, everyMs);
  }

  private static String text(String name, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(name).append(i).append(' ');
    }
    return text.toString();
  }
}
