package io.llmgate.provider.anthropic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The Messages API wire format (wire-formats.md §5), as far as llmgate reads and writes it. */
final class AnthropicWire {
  private AnthropicWire() {}

  /** {@code max_tokens} is required by the API; the system prompt is a top-level field, not a role. */
  record Request(
      String model,
      @JsonProperty("max_tokens") int maxTokens,
      String system,
      List<Message> messages,
      Double temperature,
      boolean stream,
      @JsonProperty("stop_sequences") List<String> stopSequences,
      @JsonProperty("top_p") Double topP,
      Metadata metadata) {}

  /** {@code content} is a string, or a list of {@link Block}s when the message holds images. */
  record Message(String role, Object content) {}

  record Block(String type, String text, ImageSource source) {}

  /** {@code base64} with {@code media_type} and {@code data}, or {@code url} with {@code url}. */
  record ImageSource(String type, @JsonProperty("media_type") String mediaType, String data, String url) {}

  /** The end user's id, which Anthropic uses to spot abuse. */
  record Metadata(@JsonProperty("user_id") String userId) {}

  /** Every event type in one record: each uses a subset of the fields. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Event(String type, MessageStart message, Delta delta, UsageFields usage, JsonNode error) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record MessageStart(String model, UsageFields usage) {}

  /** A {@code content_block_delta}'s delta ({@code type}, {@code text} / {@code thinking}) or a {@code message_delta}'s. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Delta(String type, String text, String thinking, @JsonProperty("stop_reason") String stopReason) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record UsageFields(
      @JsonProperty("input_tokens") Long inputTokens,
      @JsonProperty("cache_creation_input_tokens") Long cacheCreationInputTokens,
      @JsonProperty("cache_read_input_tokens") Long cacheReadInputTokens,
      @JsonProperty("output_tokens") Long outputTokens) {

    /** What the model read: fresh input plus what came from or went into the prompt cache (§5.3). */
    Long totalInput() {
      if (inputTokens == null) {
        return null;
      }
      return inputTokens + orZero(cacheCreationInputTokens) + orZero(cacheReadInputTokens);
    }

    private static long orZero(Long value) {
      return value == null ? 0 : value;
    }
  }
}
