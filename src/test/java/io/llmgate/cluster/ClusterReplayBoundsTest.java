package io.llmgate.cluster;

import static io.llmgate.transport.EventRecorder.DONE;
import static io.llmgate.transport.EventRecorder.ERROR;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.ResumeConfig;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.TestGateway;
import io.llmgate.testing.TestTokens;
import io.llmgate.testing.TwoNodes;
import io.llmgate.transport.EventRecorder.Received;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The replay log in Redis is bounded as the one in memory is, by {@code resume.max-events-per-stream} and by
 * {@code resume.max-chars-per-stream} (a real redis-server): Redis itself holds only the kept entries, and a
 * resume from it on node B gets, for every {@code lastIndex}, exactly what node A answers from memory —
 * the same events, or the same {@code resume_gap}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterReplayBoundsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int MAX_EVENTS = 10;
  private static final int MAX_CHARS = 20;

  private TwoNodes nodes;
  private WebSocketClient ws;

  @BeforeAll
  void start() throws Exception {
    nodes = TwoNodes.start(config -> config.withJwtSecret(Optional.of(TestTokens.SECRET))
        .withResume(new ResumeConfig(Duration.ofMinutes(1), MAX_EVENTS, 10_000, Duration.ZERO, MAX_CHARS)),
        upstream -> upstream
            .script("six", Script.upstream().opened("m").text("aaaaa", "bbbbb", "ccccc", "ddddd", "eeeee", "fffff")
                .finish(FinishReason.STOP))
            .script("fourteen", Script.upstream().opened("m")
                .text(IntStream.range(0, 14).mapToObj(i -> String.valueOf((char) ('a' + i))).toArray(String[]::new))
                .finish(FinishReason.STOP))
            .script("long-last", Script.upstream().opened("m").text("aaaaa", "x".repeat(30)).finish(FinishReason.STOP))
            .script("mixed", Script.upstream().opened("m").reasoning("rrrrrrrrrr")
                .toolCall(0, "call-1", "lookup", "{\"q\":\"abcd\"}").text("tttttttttt").finish(FinishReason.STOP)));
    ws = nodes.a().vertx().createWebSocketClient();
  }

  @AfterAll
  void stop() throws Exception {
    nodes.close();
  }

  @ParameterizedTest(name = "{3}")
  @CsvSource(delimiter = '|', value = {
      "six       | 6  | 1 | over the character bound the oldest go: twenty characters keep the newest four tokens",
      "fourteen  | 14 | 3 | over the event bound the oldest go: ten one-character tokens stay",
      "long-last | 2  | 0 | the newest event stays however long",
      "mixed     | 3  | 1 | reasoning (10) and tool-call text (12) count as tokens (10) do: only the last stays"})
  void aResumeFromRedisGetsWhatOneFromMemoryGets(String prompt, int events, long droppedThrough, String why)
      throws Exception {
    assertBothNodesKeep(prompt, events, droppedThrough);
  }

  /**
   * Runs {@code prompt} ({@code events} indexed events) on node A to its end, then resumes it after every
   * index on A (memory) and on B (Redis): those up to {@code droppedThrough} are a {@code resume_gap} naming
   * it, later ones replay the rest and the final event; A and B answer alike, and Redis keeps only the
   * entries after {@code droppedThrough} (the start went with the first dropped one) and the final one.
   */
  private void assertBothNodesKeep(String prompt, int events, long droppedThrough) throws Exception {
    String user = "user-" + UUID.randomUUID();
    String sessionId = "s-" + UUID.randomUUID();
    WsClient onA = WsClient.connect(ws, nodes.a(), user);
    onA.send("llm:chat:stream", new JsonObject().put("sessionId", sessionId).put("provider", ScriptedUpstream.NAME)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt))));
    assertThat(onA.events().awaitFinal(WAIT).event()).as(onA.events().summary()).isEqualTo(DONE);

    for (long lastIndex = -1; lastIndex < events; lastIndex++) {
      List<Received> fromMemory = resume(nodes.a(), user, sessionId, lastIndex);
      List<Received> fromRedis = resume(nodes.b(), user, sessionId, lastIndex);
      if (lastIndex < droppedThrough) {
        Received gap = fromRedis.get(0);
        assertThat(fromRedis).as("after %d", lastIndex).hasSize(1);
        assertThat(gap.event()).isEqualTo(ERROR);
        assertThat(gap.data().getString("code")).isEqualTo("resume_gap");
        assertThat(gap.data().getString("error"))
            .startsWith("lastIndex: " + lastIndex + " (expected: >= " + droppedThrough + ";");
      } else {
        assertThat(fromRedis.stream().filter(e -> e.data().containsKey("index")).map(e -> e.data().getLong("index")))
            .as("after %d", lastIndex).containsExactlyElementsOf(LongStream.range(lastIndex + 1, events).boxed().toList());
        assertThat(fromRedis.get(fromRedis.size() - 1).event()).isEqualTo(DONE);
      }
      assertThat(comparable(fromRedis)).as("B (Redis) answers as A (memory) after %d", lastIndex)
          .isEqualTo(comparable(fromMemory));
    }
    // B read the final event from Redis: every write of the stream is there.
    assertThat(nodes.redis().call("XLEN", ClusterKeys.replay(user, sessionId))).as("entries in Redis")
        .isEqualTo(":" + (events - droppedThrough));
  }

  /** The events a resume after {@code lastIndex} on {@code node} gets, through its final one. */
  private List<Received> resume(TestGateway node, String user, String sessionId, long lastIndex) throws Exception {
    WsClient client = WsClient.connect(ws, node, user);
    client.send("llm:stream:resume", new JsonObject().put("sessionId", sessionId).put("lastIndex", lastIndex));
    client.events().awaitFinal(WAIT);
    client.ws().close();
    return client.events().events();
  }

  /** Each event as sent, without its timestamp (Redis keeps milliseconds, memory nanoseconds). */
  private static List<String> comparable(List<Received> events) {
    return events.stream().map(e -> {
      JsonObject data = e.data().copy();
      data.remove("timestamp");
      return e.event() + " " + data.encode();
    }).toList();
  }
}
