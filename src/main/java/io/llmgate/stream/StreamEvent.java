package io.llmgate.stream;

import io.llmgate.error.ErrorCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client receives about one stream (protocol.md, server → client). Every accepted stream yields
 * {@link Started}, then {@link Token}s, {@link Reasoning}s and {@link ToolCallDelta}s in index order, then
 * exactly one final event: {@link Done}, {@link Failed} or {@link Cancelled}.
 */
public sealed interface StreamEvent {

  /** Java 17 has no pattern switch: {@code kind()} gives transports an exhaustive switch instead. */
  enum Kind {
    STARTED("llm:stream:start"),
    TOKEN("llm:stream:token"),
    REASONING("llm:stream:reasoning"),
    TOOL_CALL("llm:stream:tool_call"),
    DONE("llm:stream:done"),
    FAILED("llm:stream:error"),
    CANCELLED("llm:stream:cancelled");

    private final String eventName;

    Kind(String eventName) {
      this.eventName = eventName;
    }

    /** The Socket.IO / SSE / WebSocket event name. */
    public String eventName() {
      return eventName;
    }

    public boolean isFinal() {
      return this == DONE || this == FAILED || this == CANCELLED;
    }
  }

  String sessionId();

  Instant timestamp();

  Kind kind();

  default boolean isFinal() {
    return kind().isFinal();
  }

  record Started(String sessionId, String provider, String model, Instant timestamp) implements StreamEvent {
    public Started {
      Objects.requireNonNull(sessionId, "sessionId");
    }

    @Override
    public Kind kind() {
      return Kind.STARTED;
    }
  }

  /** The events numbered by {@code index}: one sequence per stream, which resume counts on. */
  sealed interface Indexed extends StreamEvent {
    long index();
  }

  record Token(String sessionId, String token, long index, Instant timestamp) implements Indexed {
    @Override
    public Kind kind() {
      return Kind.TOKEN;
    }
  }

  record Reasoning(String sessionId, String token, long index, Instant timestamp) implements Indexed {
    @Override
    public Kind kind() {
      return Kind.REASONING;
    }
  }

  /**
   * A fragment of tool call number {@code callIndex} (from 0, in the order the model began its calls), as it
   * streams (protocol.md extension). Every fragment names its call's {@code id} and {@code name}; the
   * fragments' {@code argumentsDelta}s of one call, joined in order, are its arguments.
   */
  record ToolCallDelta(String sessionId, long index, int callIndex, String id, String name, String argumentsDelta,
      Instant timestamp) implements Indexed {
    public ToolCallDelta {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(argumentsDelta, "argumentsDelta");
    }

    @Override
    public Kind kind() {
      return Kind.TOOL_CALL;
    }
  }

  record Done(
      String sessionId,
      String provider,
      String model,
      String fullResponse,
      boolean fullResponseTruncated,
      List<ToolCall> toolCalls,
      long tokenCount,
      FinishReason finishReason,
      Optional<Usage> usage,
      long ttftMs,
      long durationMs,
      Map<String, Object> metadata,
      Instant timestamp)
      implements StreamEvent {
    public Done {
      toolCalls = List.copyOf(toolCalls);
      metadata = Map.copyOf(metadata);
    }

    /** A whole {@code fullResponse} (not cut at limits.max-full-response). */
    public Done(String sessionId, String provider, String model, String fullResponse, List<ToolCall> toolCalls,
        long tokenCount, FinishReason finishReason, Optional<Usage> usage, long ttftMs, long durationMs,
        Map<String, Object> metadata, Instant timestamp) {
      this(sessionId, provider, model, fullResponse, false, toolCalls, tokenCount, finishReason, usage, ttftMs,
          durationMs, metadata, timestamp);
    }

    @Override
    public Kind kind() {
      return Kind.DONE;
    }
  }

  /**
   * {@code partialResponse} is the text of the tokens sent before the failure, present once at least one
   * went out: a client that kept no tokens (or reconnected) still has what the stream produced.
   */
  record Failed(String sessionId, ErrorCode code, String error, boolean retryable, Optional<String> partialResponse,
      Instant timestamp) implements StreamEvent {
    /** A failure before any token: nothing partial to carry. */
    public Failed(String sessionId, ErrorCode code, String error, boolean retryable, Instant timestamp) {
      this(sessionId, code, error, retryable, Optional.empty(), timestamp);
    }

    @Override
    public Kind kind() {
      return Kind.FAILED;
    }
  }

  /**
   * {@code usage} holds what was known when the stream stopped (tokens sent so far at least); {@code reason}
   * says who stopped it.
   */
  record Cancelled(String sessionId, Optional<Usage> usage, CancelReason reason, Instant timestamp)
      implements StreamEvent {
    @Override
    public Kind kind() {
      return Kind.CANCELLED;
    }
  }

  /** Why a stream was cancelled: its client asked, or its client left and did not come back in time. */
  enum CancelReason {
    CLIENT, DISCONNECTED;

    public String wire() {
      return this == CLIENT ? "client" : "disconnected";
    }
  }
}
