package io.llmgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.llmgate.stream.StreamListener.StreamInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Each stream records through its own listener: streams of one provider and transport never mix clocks. */
class StreamMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StreamMetrics metrics = new StreamMetrics(registry);

  @Test
  void interleavedStreamsEachHaveTheirOwnFirstTokenAndGaps() {
    StreamInfo a = info("a");
    StreamInfo b = info("b");
    StreamListener forA = metrics.forStream(a);
    StreamListener forB = metrics.forStream(b);
    forA.accepted(a);
    forB.accepted(b);

    forA.sent(a, token("a", 0), 0);
    forB.sent(b, token("b", 0), 0);
    forA.sent(a, token("a", 1), 0);
    forB.sent(b, token("b", 1), 0);
    forA.sent(a, token("a", 2), 0);
    forA.closed(a, cancelled("a"));

    assertThat(registry.get("gen_ai.server.time_to_first_token").timer().count()).as("one first token each")
        .isEqualTo(2);
    assertThat(registry.get("llmgate.inter_token_gap").timer().count()).as("a: 2 gaps, b: 1").isEqualTo(3);
    assertThat(registry.get("llmgate.streams.active").gauge().value()).as("b still runs").isEqualTo(1);
    assertThat(registry.get("gen_ai.server.request.duration").timer().count()).isEqualTo(1);
  }

  @Test
  void eventsOfAStreamNeverAcceptedAreNotTimed() {
    StreamInfo a = info("a");
    metrics.forStream(a).sent(a, token("a", 0), 5_000);

    assertThat(registry.find("gen_ai.server.time_to_first_token").timer()).isNull();
    assertThat(registry.find("llmgate.gateway.overhead").timer()).isNull();
  }

  private static StreamInfo info(String session) {
    return new StreamInfo("alice", new ChatRequest(session, "openai", List.of(new ChatMessage(Role.USER, "hi")),
        Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), List.of(), Map.of()),
        "socketio");
  }

  private static StreamEvent token(String session, long index) {
    return new StreamEvent.Token(session, "t" + index, index, Instant.now());
  }

  private static StreamEvent cancelled(String session) {
    return new StreamEvent.Cancelled(session, Optional.empty(), StreamEvent.CancelReason.CLIENT, Instant.now());
  }
}
