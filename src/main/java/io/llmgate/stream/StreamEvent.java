package io.llmgate.stream;

import io.llmgate.error.ErrorCode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client receives about one stream (protocol.md, server → client). Every accepted stream yields
 * {@link Started}, then {@link Token}s and {@link Reasoning}s in index order, then exactly one final
 * event: {@link Done}, {@link Failed} or {@link Cancelled}.
 */
public sealed interface StreamEvent {

  /** Java 17 has no pattern switch: {@code kind()} gives transports an exhaustive switch instead. */
  enum Kind {
    STARTED("llm:stream:start"),
    TOKEN("llm:stream:token"),
    REASONING("llm:stream:reasoning"),
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

  record Token(String sessionId, String token, long index, Instant timestamp) implements StreamEvent {
    @Override
    public Kind kind() {
      return Kind.TOKEN;
    }
  }

  record Reasoning(String sessionId, String token, long index, Instant timestamp) implements StreamEvent {
    @Override
    public Kind kind() {
      return Kind.REASONING;
    }
  }

  record Done(
      String sessionId,
      String provider,
      String model,
      String fullResponse,
      long tokenCount,
      FinishReason finishReason,
      Optional<Usage> usage,
      long ttftMs,
      long durationMs,
      Map<String, Object> metadata,
      Instant timestamp)
      implements StreamEvent {
    public Done {
      metadata = Map.copyOf(metadata);
    }

    @Override
    public Kind kind() {
      return Kind.DONE;
    }
  }

  record Failed(String sessionId, ErrorCode code, String error, boolean retryable, Instant timestamp)
      implements StreamEvent {
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
