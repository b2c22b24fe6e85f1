package io.llmgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.Usage;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every kind of event survives its trip through a replay-log entry, as a resumer on another node reads it. */
class ReplayEntriesTest {
  private static final Instant AT = Instant.ofEpochMilli(1_765_000_000_123L);

  @Test
  void eachKindOfEventReadsBackAsItWasKept() {
    List<StreamEvent> events = List.of(
        new StreamEvent.Started("s-1", "openai", "gpt-4o", AT),
        new StreamEvent.Token("s-1", "Hel\"lo\n", 0, AT),
        new StreamEvent.Reasoning("s-1", "thinking…", 1, AT),
        new StreamEvent.ToolCallDelta("s-1", 2, 0, "call_1", "get_weather", "{\"city\":\"Par", AT),
        new StreamEvent.Done("s-1", "openai", "gpt-4o", "Hel\"lo\n", true,
            List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), 1, FinishReason.LENGTH,
            Optional.of(new Usage(2078, 73, 1920, 100, 64)), 40, 900, Map.of("trace", "abc"), AT),
        new StreamEvent.Failed("s-1", ErrorCode.NODE_LOST, "gone", true, AT),
        new StreamEvent.Failed("s-1", ErrorCode.UPSTREAM_TRUNCATED, "cut", true, Optional.of("Hel\"lo\n"), AT),
        new StreamEvent.Cancelled("s-1", Optional.of(new Usage(0, 3)), StreamEvent.CancelReason.DISCONNECTED, AT),
        new StreamEvent.Cancelled("s-1", Optional.empty(), StreamEvent.CancelReason.CLIENT, AT));
    long[] seqs = {1, 2, 3, 4, 5, 5, 5, 5, 5};

    for (int i = 0; i < events.size(); i++) {
      assertThat(ReplayEntries.event("s-1", seqs[i], pairs(ReplayEntries.fields(events.get(i)))))
          .isEqualTo(events.get(i));
    }
  }

  @Test
  void entryIdsFollowTheIndexesSoAResumeKnowsWhereToReadFrom() {
    assertThat(ReplayEntries.seqAfter(-1)).as("everything, the start included").isZero();
    assertThat(ReplayEntries.seqAfter(0)).as("token 0 is entry 2").isEqualTo(2);
    assertThat(ReplayEntries.seq(ReplayEntries.id(41))).isEqualTo(41);
  }

  /** The field/value list as XRANGE answers it. */
  private static MultiType pairs(List<String> fields) {
    MultiType multi = MultiType.create(fields.size(), false);
    fields.forEach(field -> multi.add(BulkType.create(Buffer.buffer(field), false)));
    return multi;
  }
}
