package io.llmgate.provider;

import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;

/**
 * What a provider reads from its upstream, normalized (wire-formats.md §1). A well-formed upstream stream
 * is {@link Opened}, then deltas and at most one {@link UsageReport}, then {@link Finished}, then the
 * stream ends. Failures, including an upstream that closes before its end marker, arrive through the
 * stream's exception handler as a {@code GatewayException}.
 */
public sealed interface UpstreamEvent {

  enum Kind {
    OPENED,
    TEXT,
    REASONING,
    USAGE,
    FINISHED
  }

  Kind kind();

  /** The upstream accepted the request; {@code provider} is the one that answered (after fallback). */
  record Opened(String provider, String model) implements UpstreamEvent {
    @Override
    public Kind kind() {
      return Kind.OPENED;
    }
  }

  record TextDelta(String text) implements UpstreamEvent {
    @Override
    public Kind kind() {
      return Kind.TEXT;
    }
  }

  record ReasoningDelta(String text) implements UpstreamEvent {
    @Override
    public Kind kind() {
      return Kind.REASONING;
    }
  }

  /** The provider's final cumulative counts; never a per-chunk figure to be summed. */
  record UsageReport(Usage usage) implements UpstreamEvent {
    @Override
    public Kind kind() {
      return Kind.USAGE;
    }
  }

  record Finished(FinishReason reason) implements UpstreamEvent {
    @Override
    public Kind kind() {
      return Kind.FINISHED;
    }
  }
}
