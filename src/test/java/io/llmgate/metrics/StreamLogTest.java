package io.llmgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Role;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.stream.StreamListener.StreamInfo;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One JSON line per stream end; the prompt and the answer only when DEBUG was turned on. */
class StreamLogTest {
  private static final String PROMPT = "my secret prompt";
  private static final String ANSWER = "the private answer";
  private final Logger logger = (Logger) LoggerFactory.getLogger("llmgate.streams");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Level before;

  @BeforeEach
  void capture() {
    before = logger.getLevel();
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
    logger.setLevel(before);
  }

  @Test
  void oneJsonLinePerStreamWithoutPromptOrTokens() {
    logger.setLevel(Level.INFO);
    StreamInfo info = info();
    new StreamLog().forStream(info).closed(info, done());
    assertThat(lines.list).hasSize(1);
    String line = lines.list.get(0).getFormattedMessage();
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("event")).isEqualTo("stream_end");
    assertThat(json.getString("session")).isEqualTo("s-1");
    assertThat(json.getString("user")).isEqualTo("alice");
    assertThat(json.getString("provider")).isEqualTo("openai");
    assertThat(json.getString("model")).isEqualTo("gpt-x");
    assertThat(json.getString("outcome")).isEqualTo("done");
    assertThat(json.getLong("ttftMs")).isEqualTo(12);
    assertThat(json.getLong("tokens")).isEqualTo(3);
    assertThat(json.getLong("durationMs")).isEqualTo(40);
    assertThat(List.of("inputTokens", "outputTokens", "cachedInputTokens", "cacheCreationInputTokens",
        "reasoningTokens")).extracting(json::getLong).containsExactly(2078L, 73L, 1920L, 100L, 64L);
    assertThat(line).doesNotContain(PROMPT).doesNotContain(ANSWER);
  }

  @Test
  void aCancelledStreamsLineHasItsDurationAndTheTokensSent() {
    logger.setLevel(Level.INFO);
    StreamInfo info = info();
    StreamListener log = new StreamLog().forStream(info);
    log.accepted(info);
    log.closed(info, new StreamEvent.Cancelled("s-1", Optional.of(new Usage(0, 7)),
        StreamEvent.CancelReason.CLIENT, Instant.now()));
    JsonObject json = new JsonObject(lines.list.get(0).getFormattedMessage());
    assertThat(json.getString("outcome")).isEqualTo("cancelled");
    assertThat(json.getLong("tokens")).isEqualTo(7);
    assertThat(json.getLong("durationMs")).isNotNegative();
    assertThat(json.encode()).doesNotContain(PROMPT);
  }

  @Test
  void theAnswerIsLoggedOnlyWhenDebugIsOn() {
    logger.setLevel(Level.DEBUG);
    StreamInfo info = info();
    new StreamLog().forStream(info).closed(info, done());
    String line = lines.list.get(0).getFormattedMessage();
    assertThat(line).contains(ANSWER).doesNotContain(PROMPT);
  }

  private static StreamInfo info() {
    ChatRequest request = new ChatRequest("s-1", "openai", List.of(new ChatMessage(Role.USER, PROMPT)),
        Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), List.of(), Map.of());
    return new StreamInfo("alice", request, "socketio");
  }

  private static StreamEvent.Done done() {
    return new StreamEvent.Done("s-1", "openai", "gpt-x", ANSWER, List.of(), 3, FinishReason.STOP,
        Optional.of(new Usage(2078, 73, 1920, 100, 64)), 12, 40, Map.of(), Instant.now());
  }
}
