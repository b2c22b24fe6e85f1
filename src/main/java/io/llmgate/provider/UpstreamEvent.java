package io.llmgate.provider;

import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.util.Objects;
import java.util.Optional;

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
    TOOL_CALL,
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

  /**
   * A fragment of the tool call the upstream numbers {@code callIndex} (from 0, in the order calls began).
   * A call's first fragment names it ({@code id}, {@code name}); later ones may only add arguments.
   */
  record ToolCallDelta(int callIndex, Optional<String> id, Optional<String> name, String argumentsDelta)
      implements UpstreamEvent {
    public ToolCallDelta {
      Objects.requireNonNull(argumentsDelta, "argumentsDelta");
    }

    @Override
    public Kind kind() {
      return Kind.TOOL_CALL;
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
