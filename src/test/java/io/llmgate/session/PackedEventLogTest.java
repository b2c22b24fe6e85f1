package io.llmgate.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.stream.StreamEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedEventLogTest {
  private static final Instant AT = Instant.parse("2026-11-25T20:41:07.123456789Z");

  @Test
  void givesBackExactlyTheEventsItWasGiven() {
    PackedEventLog log = new PackedEventLog();
    List<StreamEvent> given = List.of(
        new StreamEvent.Reasoning("s", "thinking…", 0, AT),
        new StreamEvent.Token("s", "", 1, AT.plusNanos(1)),
        new StreamEvent.Token("s", "naïve \"quoted\" 😀\n", 2, AT.plusSeconds(1)),
        new StreamEvent.Token("s", "plain", 3, AT.plusMillis(2)),
        new StreamEvent.ToolCallDelta("s", 4, 0, "call_a", "get_weather", "", AT.plusMillis(3)),
        new StreamEvent.ToolCallDelta("s", 5, 1, "call_b", "get_time", "{}", AT.plusMillis(4)),
        new StreamEvent.ToolCallDelta("s", 6, 0, "call_a", "get_weather", "{\"city\":\"🌍\"}", AT.plusMillis(5)));
    given.forEach(event -> add(log, event));

    assertThat(after(log, -1)).containsExactlyElementsOf(given);
    assertThat(after(log, 1)).containsExactlyElementsOf(given.subList(2, 7));
    assertThat(after(log, 4)).containsExactlyElementsOf(given.subList(5, 7));
    assertThat(after(log, 6)).isEmpty();
    assertThat(after(log, 99)).isEmpty();
  }

  @Test
  void dropsTheOldestAndStaysCorrectAcrossCompactions() {
    PackedEventLog log = new PackedEventLog();
    List<StreamEvent> kept = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      StreamEvent.Token token = new StreamEvent.Token("s", "t" + i + (i % 7 == 0 ? "é" : ""), i, AT.plusMillis(i));
      add(log, token);
      kept.add(token);
      if (log.size() > 10) {
        assertThat(log.dropFirst()).isEqualTo(((StreamEvent.Token) kept.remove(0)).index());
      }
    }

    assertThat(log.size()).isEqualTo(10);
    assertThat(after(log, -1)).containsExactlyElementsOf(kept);
    assertThat(after(log, 994)).containsExactlyElementsOf(kept.subList(5, 10));
  }

  private static void add(PackedEventLog log, StreamEvent event) {
    if (event instanceof StreamEvent.Token token) {
      log.add(token);
    } else if (event instanceof StreamEvent.ToolCallDelta fragment) {
      log.add(fragment);
    } else {
      log.add((StreamEvent.Reasoning) event);
    }
  }

  private static List<StreamEvent> after(PackedEventLog log, long lastIndex) {
    List<StreamEvent> out = new ArrayList<>();
    log.eventsAfter("s", lastIndex, out);
    return out;
  }
}
