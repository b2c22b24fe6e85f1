package io.llmgate.testing;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a scripted upstream sends, step by step, each after its own delay: upstream events, or a failure
 * (which ends the stream through the exception handler, as a broken upstream does).
 */
public final class Script {
  /** One step: {@code item} is an {@link UpstreamEvent} or a {@link GatewayException}. */
  public record Step(long delayMs, Object item) {}

  private final List<Step> steps = new ArrayList<>();
  private long delayMs = 5;

  public static Script upstream() {
    return new Script();
  }

  /** The delay before each following step. */
  public Script every(long millis) {
    delayMs = millis;
    return this;
  }

  public Script opened(String model) {
    return step(new UpstreamEvent.Opened("scripted", model));
  }

  public Script text(String... pieces) {
    for (String piece : pieces) {
      step(new UpstreamEvent.TextDelta(piece));
    }
    return this;
  }

  public Script reasoning(String piece) {
    return step(new UpstreamEvent.ReasoningDelta(piece));
  }

  /** A call's first fragment: its index, id and name, and the start of its arguments. */
  public Script toolCall(int callIndex, String id, String name, String arguments) {
    return step(new UpstreamEvent.ToolCallDelta(callIndex, Optional.of(id), Optional.of(name), arguments));
  }

  /** A later fragment of call {@code callIndex}: more of its arguments. */
  public Script toolArguments(int callIndex, String arguments) {
    return step(new UpstreamEvent.ToolCallDelta(callIndex, Optional.empty(), Optional.empty(), arguments));
  }

  public Script usage(long in, long out) {
    return usage(new Usage(in, out));
  }

  public Script usage(Usage usage) {
    return step(new UpstreamEvent.UsageReport(usage));
  }

  public Script finish(FinishReason reason) {
    return step(new UpstreamEvent.Finished(reason));
  }

  public Script fail(ErrorCode code, String message) {
    return step(new GatewayException(code, message));
  }

  /** A long stream of numbered tokens, for cancel and disconnect. */
  public Script tokens(int count) {
    for (int i = 0; i < count; i++) {
      step(new UpstreamEvent.TextDelta("w" + i + " "));
    }
    return this;
  }

  /** {@code count} tokens of {@code size} characters each, for backpressure. */
  public Script bulk(int count, int size) {
    for (int i = 0; i < count; i++) {
      String number = String.valueOf(i);
      step(new UpstreamEvent.TextDelta(number + "x".repeat(Math.max(0, size - number.length() - 1)) + " "));
    }
    return this;
  }

  /** The answer a client should end up showing: every text delta of the script, in order. */
  public String answerText() {
    StringBuilder text = new StringBuilder();
    for (Step step : steps) {
      if (step.item() instanceof UpstreamEvent.TextDelta delta) {
        text.append(delta.text());
      }
    }
    return text.toString();
  }

  List<Step> steps() {
    return List.copyOf(steps);
  }

  private Script step(Object item) {
    steps.add(new Step(delayMs, item));
    return this;
  }
}
