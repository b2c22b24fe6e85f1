package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written timestamp is exactly what DateTimeFormatter writes, at every kind of boundary. */
class EventJsonTimestampTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void matchesTheReferenceFormatter() {
    long[] fixed = {0, 1, 999, 1000, 86_399_999, 86_400_000, -1, 951_782_400_000L /* 2000-02-29 */,
        1_798_213_499_123L, 4_102_444_799_999L /* 2099-12-31T23:59:59.999Z */};
    for (long millis : fixed) {
      assertThat(EventJson.format(millis)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(millis)));
    }
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      long millis = (long) (random.nextDouble() * 4_102_444_800_000L);
      assertThat(EventJson.format(millis)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(millis)));
    }
  }

  @Test
  void theSameMillisecondGivesTheSameText() {
    Instant now = Instant.parse("2026-11-25T16:24:59.123456Z");
    assertThat(EventJson.timestamp(now)).isEqualTo("2026-11-25T16:24:59.123Z");
    assertThat(EventJson.timestamp(now.plusNanos(100_000))).isEqualTo("2026-11-25T16:24:59.123Z");
    assertThat(EventJson.timestamp(now.plusMillis(1))).isEqualTo("2026-11-25T16:24:59.124Z");
  }
}
