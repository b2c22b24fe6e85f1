package io.llmgate.provider.anthropic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
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
      Metadata metadata,
      List<Tool> tools,
      @JsonProperty("tool_choice") ToolChoice toolChoice) {}

  /** {@code content} is the text, or a list of {@link Block}s when the turn holds images, tool calls or results. */
  record Message(String role, Object content) {}

  /**
   * A request content block: {@code text}, {@code image} (its {@code source}), {@code tool_use} (a call the
   * model made: {@code id}, {@code name}, {@code input} as JSON text) or {@code tool_result} (its answer:
   * {@code tool_use_id}, {@code content}).
   */
  record Block(String type, String text, ImageSource source, String id, String name, @JsonRawValue String input,
      @JsonProperty("tool_use_id") String toolUseId, String content) {
    static Block text(String text) {
      return new Block("text", text, null, null, null, null, null, null);
    }

    static Block image(ImageSource source) {
      return new Block("image", null, source, null, null, null, null, null);
    }

    static Block toolUse(String id, String name, String input) {
      return new Block("tool_use", null, null, id, name, input, null, null);
    }

    static Block toolResult(String toolUseId, String content) {
      return new Block("tool_result", null, null, null, null, null, toolUseId, content);
    }
  }

  /** {@code base64} with {@code media_type} and {@code data}, or {@code url} with {@code url}. */
  record ImageSource(String type, @JsonProperty("media_type") String mediaType, String data, String url) {}

  /** The end user's id, which Anthropic uses to spot abuse. */
  record Metadata(@JsonProperty("user_id") String userId) {}

  /** The caller's JSON Schema goes out as the text it arrived as. */
  record Tool(String name, String description, @JsonProperty("input_schema") @JsonRawValue String inputSchema) {}

  /** {@code type}: auto, any, tool (with {@code name}) or none; parallel calls are on unless disabled. */
  record ToolChoice(String type, String name,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("disable_parallel_tool_use") boolean disableParallel) {}

  /** Every event type in one record: each uses a subset of the fields. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Event(String type, Integer index, MessageStart message, @JsonProperty("content_block") ContentBlock block,
      Delta delta, UsageFields usage, JsonNode error) {}

  /** A {@code content_block_start}'s block: {@code id} and {@code name} are a {@code tool_use}'s. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ContentBlock(String type, String id, String name) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record MessageStart(String model, UsageFields usage) {}

  /**
   * A {@code content_block_delta}'s delta ({@code type}, {@code text} / {@code thinking} /
   * {@code partial_json}) or a {@code message_delta}'s.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Delta(String type, String text, String thinking, @JsonProperty("partial_json") String partialJson,
      @JsonProperty("stop_reason") String stopReason) {}

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
