package io.llmgate.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.UpstreamErrors.Reported;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {

  private static Reported reported(String... kinds) {
    return new Reported(OptionalInt.empty(), List.of(kinds), "message");
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {2} retryable={3}")
  @CsvSource({
      "400, invalid_request_error, UPSTREAM_ERROR, false",
      "400, API_KEY_INVALID, UPSTREAM_AUTH, false",
      "401, invalid_request_error, UPSTREAM_AUTH, false",
      "403, PERMISSION_DENIED, UPSTREAM_AUTH, false",
      "402, unknown_error, UPSTREAM_RATE_LIMITED, false",
      "404, not_found_error, UPSTREAM_ERROR, false",
      "408, '', UPSTREAM_TIMEOUT, true",
      "413, request_too_large, UPSTREAM_ERROR, false",
      "429, rate_limit_exceeded, UPSTREAM_RATE_LIMITED, true",
      "429, insufficient_quota, UPSTREAM_RATE_LIMITED, false",
      "429, RESOURCE_EXHAUSTED, UPSTREAM_RATE_LIMITED, true",
      "500, api_error, UPSTREAM_ERROR, true",
      "502, '', UPSTREAM_ERROR, true",
      "503, UNAVAILABLE, UPSTREAM_UNAVAILABLE, true",
      "504, DEADLINE_EXCEEDED, UPSTREAM_TIMEOUT, true",
      "529, overloaded_error, UPSTREAM_UNAVAILABLE, true"})
  void mapsStatusAndTypeToOneCode(int status, String kind, ErrorCode code, boolean retryable) {
    GatewayException mapped = UpstreamErrors.httpStatus("p", status,
        kind.isEmpty() ? reported() : reported(kind), Optional.empty(), Optional.empty());
    assertThat(mapped.code()).isEqualTo(code);
    assertThat(mapped.retryable()).isEqualTo(retryable);
  }

  @Test
  void theSpecificTypeWinsOverTheGenericOne() {
    // OpenAI's 401: type invalid_request_error, code invalid_api_key.
    assertThat(UpstreamErrors.httpStatus("openai", 401, reported("invalid_request_error", "invalid_api_key"),
        Optional.empty(), Optional.empty()).code()).isEqualTo(ErrorCode.UPSTREAM_AUTH);
  }

  @Test
  void xShouldRetryOverridesTheTable() {
    assertThat(UpstreamErrors.httpStatus("p", 503, reported(), Optional.empty(), Optional.of(false)).retryable()).isFalse();
    assertThat(UpstreamErrors.httpStatus("p", 400, reported(), Optional.empty(), Optional.of(true)).retryable()).isTrue();
  }

  @Test
  void messageNamesProviderStatusKindAndTheProvidersText() {
    GatewayException mapped = UpstreamErrors.httpStatus("claude", 529,
        new Reported(OptionalInt.empty(), List.of("overloaded_error"), "Overloaded"), Optional.of(Duration.ofSeconds(2)),
        Optional.empty());
    assertThat(mapped.getMessage()).isEqualTo("claude: HTTP 529 overloaded_error: Overloaded");
    assertThat(mapped.retryAfter()).contains(Duration.ofSeconds(2));
  }

  @Test
  void inStreamErrorsUseTheTypeThenTheEmbeddedStatus() {
    assertThat(UpstreamErrors.inStream("claude", reported("overloaded_error")).code())
        .isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
    assertThat(UpstreamErrors.inStream("gemini", new Reported(OptionalInt.of(429), List.of(), "x")).code())
        .isEqualTo(ErrorCode.UPSTREAM_RATE_LIMITED);
    GatewayException unknown = UpstreamErrors.inStream("ollama", new Reported(OptionalInt.empty(), List.of(), "boom"));
    assertThat(unknown.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
    assertThat(unknown.getMessage()).isEqualTo("ollama: error in stream: boom");
  }

  @Test
  void redactsTheKeyKeepingEverythingElse() {
    GatewayException original = UpstreamErrors.httpStatus("openai", 401,
        new Reported(OptionalInt.empty(), List.of(), "Incorrect API key provided: sk-secret"),
        Optional.of(Duration.ofSeconds(1)), Optional.empty());
    GatewayException redacted = UpstreamErrors.redacted(original, "sk-secret");
    assertThat(redacted.getMessage()).isEqualTo("openai: HTTP 401: Incorrect API key provided: ***");
    assertThat(redacted.code()).isEqualTo(original.code());
    assertThat(redacted.retryAfter()).isEqualTo(original.retryAfter());
    assertThat(UpstreamErrors.redacted(original, "")).isSameAs(original);
  }

  @Test
  void aKeyCutByTheLengthLimitLeavesNoPrefixBehind() {
    String key = "custom-key-of-an-ollama-proxy";
    String text = "word ".repeat(58) + key + " rejected";
    GatewayException cut = UpstreamErrors.httpStatus("ollama", 401,
        new Reported(OptionalInt.empty(), List.of(), text), Optional.empty(), Optional.empty());
    assertThat(cut.getMessage()).contains(key.substring(0, 9));
    assertThat(UpstreamErrors.redacted(cut, key).getMessage()).doesNotContain(key.substring(0, 4)).endsWith(" ***…");
  }

  @Test
  void keyShapedTextFromTheUpstreamIsMaskedEvenWhenItIsNotTheConfiguredKey() {
    String message = UpstreamErrors.inStream("p", new Reported(OptionalInt.empty(), List.of(),
        "keys sk-ant-api03-AbCdEf0123456789 AIzaSyA1234567890abcdefghij Bearer abc.def.ghi123 "
            + "and 0123456789abcdef0123456789abcdef01 refused; gpt-4o-mini-2024-07-18 fine"))
        .getMessage();
    assertThat(message).isEqualTo("p: error in stream: keys *** *** *** and *** refused; gpt-4o-mini-2024-07-18 fine");
  }

  @Test
  void longMessagesAreCut() {
    String longText = "word ".repeat(200);
    assertThat(UpstreamErrors.inStream("p", new Reported(OptionalInt.empty(), List.of(), longText)).getMessage())
        .hasSizeLessThan(400).endsWith("…");
  }
}
