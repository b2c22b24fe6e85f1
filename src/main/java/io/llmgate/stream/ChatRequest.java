package io.llmgate.stream;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A validated request to stream one chat completion. Built only by the transports' {@code ChatRequestParser}, so every
 * instance already satisfies protocol.md's validation rules.
 */
public record ChatRequest(
    String sessionId,
    String provider,
    List<ChatMessage> messages,
    Optional<String> model,
    Optional<String> system,
    OptionalDouble temperature,
    OptionalInt maxTokens,
    List<String> fallback,
    Map<String, Object> metadata,
    GenerationOptions options,
    ToolUse tools) {

  public ChatRequest {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(provider, "provider");
    messages = List.copyOf(messages);
    fallback = List.copyOf(fallback);
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(tools, "tools");
  }

  /** A request that leaves every other generation option to the provider, without tools. */
  public ChatRequest(String sessionId, String provider, List<ChatMessage> messages, Optional<String> model,
      Optional<String> system, OptionalDouble temperature, OptionalInt maxTokens, List<String> fallback,
      Map<String, Object> metadata) {
    this(sessionId, provider, messages, model, system, temperature, maxTokens, fallback, metadata,
        GenerationOptions.DEFAULT, ToolUse.NONE);
  }

  /**
   * Whether serving this request takes a provider that understands tools: it offers some, or its
   * conversation holds tool calls or results (which a provider without tools could only misread).
   */
  public boolean needsTools() {
    return tools.offered() || messages.stream().anyMatch(m -> m.role() == Role.TOOL || !m.toolCalls().isEmpty());
  }

  /** The same request aimed at another provider (fallback), which picks its own default model. */
  public ChatRequest withProvider(String other) {
    return new ChatRequest(
        sessionId, other, messages, Optional.empty(), system, temperature, maxTokens, fallback, metadata, options,
        tools);
  }

  public boolean hasImages() {
    return messages.stream().anyMatch(ChatMessage::hasImages);
  }

  /** The text of the last user message, or empty when there is none. */
  public String lastUserText() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Role.USER) {
        return messages.get(i).content();
      }
    }
    return "";
  }
}
