package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.stream.FinishReason;
import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.Usage;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code done.usage} as every protocol transport writes it (protocol.md). */
class EventJsonUsageTest {

  private static JsonObject usageOf(Usage usage) {
    StreamEvent.Done done = new StreamEvent.Done("s-1", "claude", "m", "ok", List.of(), 1, FinishReason.STOP,
        Optional.of(usage), 5, 9, Map.of(), Instant.now());
    return new JsonObject(EventJson.payload(done)).getJsonObject("usage");
  }

  @Test
  void cacheAndReasoningCountsAppearWhenTheProviderReportedThem() {
    assertThat(usageOf(new Usage(3617, 10, 2400, 1200, 7))).isEqualTo(new JsonObject().put("inputTokens", 3617)
        .put("outputTokens", 10).put("cachedInputTokens", 2400).put("cacheCreationInputTokens", 1200)
        .put("reasoningTokens", 7));
  }

  @Test
  void withoutThemUsageIsTheTwoOriginalCounts() {
    assertThat(usageOf(new Usage(12, 48))).isEqualTo(new JsonObject().put("inputTokens", 12).put("outputTokens", 48));
  }
}
