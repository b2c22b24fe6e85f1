package io.llmgate.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ToolCall;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolCallAssemblerTest {
  private final ToolCallAssembler calls = new ToolCallAssembler();

  @Test
  void parallelCallsKeepTheirOwnIndexesWhateverTheOrderOfTheirFragments() {
    begin(0, "call_a", "get_weather", "");
    begin(1, "call_b", "get_time", "{\"tz\":");
    more(1, "\"UTC\"}");
    more(0, "{\"city\":\"Paris\"}");

    assertThat(calls.calls()).containsExactly(new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
        new ToolCall("call_b", "get_time", "{\"tz\":\"UTC\"}"));
  }

  @Test
  void laterFragmentsNameTheCallTheyBelongTo() {
    begin(0, "call_a", "get_weather", "");
    assertThat(more(0, "{}")).contains(new ToolCallAssembler.Fragment(0, "call_a", "get_weather", "{}"));
    assertThat(more(0, "")).as("an empty later fragment shows nothing").isEmpty();
  }

  @Test
  void aSurrogatePairSplitAcrossFragmentsIsHeldUntilItIsWhole() {
    begin(0, "call_a", "echo", "{\"s\":\"");
    assertThat(more(0, "a\ud83d")).contains(new ToolCallAssembler.Fragment(0, "call_a", "echo", "a"));
    assertThat(more(0, "\ude00\"}")).contains(new ToolCallAssembler.Fragment(0, "call_a", "echo", "😀\"}"));
    assertThat(calls.calls().get(0).arguments()).isEqualTo("{\"s\":\"a😀\"}");
  }

  @Test
  void aCallWithoutAnIdGetsAUniqueOneThatEveryFragmentRepeats() {
    String first = calls.add(new UpstreamEvent.ToolCallDelta(0, Optional.empty(), Optional.of("f"), ""), "p")
        .orElseThrow().id();
    String second = calls.add(new UpstreamEvent.ToolCallDelta(1, Optional.empty(), Optional.of("f"), ""), "p")
        .orElseThrow().id();
    assertThat(first).matches("call_[0-9a-f]{24}").isNotEqualTo(second);
    assertThat(more(0, "{}").orElseThrow().id()).isEqualTo(first);
    assertThat(calls.calls().get(0).id()).isEqualTo(first);
  }

  @Test
  void aCallThatSkipsAnIndexOrBeginsWithoutANameIsAMalformedStream() {
    assertMalformed(() -> begin(1, "call_b", "f", ""), "p: malformed stream: tool call index 1 (expected: 0 to 0)");
    assertMalformed(() -> more(0, "{}"), "p: malformed stream: tool call 0 began without a name");
    assertMalformed(() -> begin(-1, "x", "f", ""), "p: malformed stream: tool call index -1 (expected: 0 to 0)");
  }

  private Optional<ToolCallAssembler.Fragment> begin(int index, String id, String name, String arguments) {
    return calls.add(new UpstreamEvent.ToolCallDelta(index, Optional.of(id), Optional.of(name), arguments), "p");
  }

  private Optional<ToolCallAssembler.Fragment> more(int index, String arguments) {
    return calls.add(new UpstreamEvent.ToolCallDelta(index, Optional.empty(), Optional.empty(), arguments), "p");
  }

  private static void assertMalformed(Runnable action, String message) {
    assertThatThrownBy(action::run).isInstanceOfSatisfying(GatewayException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_ERROR)).hasMessage(message);
  }
}
