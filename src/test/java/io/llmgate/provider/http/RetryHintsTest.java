package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The retry hints of an error response, in the SDKs' order, with a fixed clock for the date form. */
class RetryHintsTest {
  private static final Clock NOW = Clock.fixed(Instant.parse("2026-10-21T07:28:00Z"), ZoneOffset.UTC);
  private static final String GEMINI_BODY = "{\"error\":{\"details\":[{\"@type\":"
      + "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"34.4s\"}]}}";

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  @Test
  void anHttpDateIsTheTimeLeftUntilIt() {
    assertThat(RetryHints.retryAfter(headers("Retry-After", "Wed, 21 Oct 2026 07:28:05 GMT"), "", NOW))
        .contains(Duration.ofSeconds(5));
  }

  @Test
  void aDateAlreadyPastMeansNoWait() {
    assertThat(RetryHints.retryAfter(headers("retry-after", "Wed, 21 Oct 2026 07:27:00 GMT"), "", NOW))
        .contains(Duration.ZERO);
  }

  @Test
  void millisecondsWinOverSecondsWhichWinOverTheBody() {
    assertThat(RetryHints.retryAfter(headers("retry-after-ms", "250", "retry-after", "3"), GEMINI_BODY, NOW))
        .contains(Duration.ofMillis(250));
    assertThat(RetryHints.retryAfter(headers("retry-after", "1.5"), GEMINI_BODY, NOW))
        .contains(Duration.ofMillis(1500));
    assertThat(RetryHints.retryAfter(headers(), GEMINI_BODY, NOW)).contains(Duration.ofMillis(34_400));
  }

  @Test
  void valuesThatAreNoDelayAreIgnored() {
    assertThat(RetryHints.retryAfter(headers("retry-after", "-1"), "", NOW)).isEmpty();
    assertThat(RetryHints.retryAfter(headers("retry-after", "soon"), "", NOW)).isEmpty();
    assertThat(RetryHints.retryAfter(headers("retry-after-ms", "NaN", "retry-after", "2"), "", NOW))
        .contains(Duration.ofSeconds(2));
  }
}
