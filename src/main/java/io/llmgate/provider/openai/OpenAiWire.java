package io.llmgate.provider.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The Chat Completions wire format (wire-formats.md §3), as far as llmgate reads and writes it. */
final class OpenAiWire {
  private OpenAiWire() {}

  /** Absent values are null so the shared mapper leaves them out. */
  record Request(
      String model,
      List<Message> messages,
      boolean stream,
      @JsonProperty("stream_options") StreamOptions streamOptions,
      Double temperature,
      @JsonProperty("max_tokens") Integer maxTokens,
      @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
      List<String> stop,
      @JsonProperty("top_p") Double topP,
      Long seed,
      @JsonProperty("presence_penalty") Double presencePenalty,
      @JsonProperty("frequency_penalty") Double frequencyPenalty,
      String user,
      @JsonProperty("response_format") ResponseFormat responseFormat,
      @JsonProperty("reasoning_effort") String reasoningEffort,
      List<Tool> tools,
      @JsonProperty("tool_choice") Object toolChoice,
      @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls) {}

  /**
   * {@code content} is a string, or a list of {@link Part}s when the message holds images, and null only on an
   * assistant turn that just called tools (OpenAI's own form); {@code tool_call_id} names the call a
   * {@code tool} message answers.
   */
  record Message(String role, Object content, @JsonProperty("tool_calls") List<ToolCall> toolCalls,
      @JsonProperty("tool_call_id") String toolCallId) {
    Message(String role, Object content) {
      this(role, content, null, null);
    }
  }

  record Part(String type, String text, @JsonProperty("image_url") ImageUrl imageUrl) {}

  record ImageUrl(String url, String detail) {}

  record ResponseFormat(String type, @JsonProperty("json_schema") JsonSchema jsonSchema) {}

  record JsonSchema(String name, String description, Map<String, Object> schema, Boolean strict) {}

  /** The caller's JSON Schema goes out as the text it arrived as. */
  record Function(String name, String description, @JsonRawValue String parameters) {}

  record Tool(String type, Function function) {
    Tool(Function function) {
      this("function", function);
    }
  }

  /** A named {@code tool_choice}: {@code {type:"function", function:{name}}}. */
  record NamedChoice(String type, FunctionName function) {}

  record FunctionName(String name) {}

  record ToolCall(String id, String type, CallFunction function) {}

  record CallFunction(String name, String arguments) {}

  record StreamOptions(@JsonProperty("include_usage") boolean includeUsage) {}

  /** One {@code chat.completion.chunk}, or a mid-stream {@code {"error":{…}}} payload. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Chunk(String model, List<Choice> choices, Usage usage, JsonNode error) {
    List<Choice> choicesOrEmpty() {
      return choices == null ? List.of() : choices;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Choice(int index, Delta delta, @JsonProperty("finish_reason") String finishReason) {}

  /**
   * {@code reasoning_content} is DeepSeek's reasoning field and {@code reasoning} Ollama's and vLLM's;
   * OpenAI itself streams neither on this endpoint (wire-formats.md §3.3, §7.2, §8.2).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Delta(
      String content,
      @JsonProperty("reasoning_content") String reasoningContent,
      String reasoning,
      String refusal,
      @JsonProperty("tool_calls") List<ToolCallDelta> toolCalls) {}

  /**
   * One entry of {@code delta.tool_calls}: keyed by {@code index} (not its place in the array); {@code id}
   * and {@code function.name} come on a call's first fragment only (wire-formats.md §3.2).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record ToolCallDelta(Integer index, String id, FunctionDelta function) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record FunctionDelta(String name, String arguments) {}

  /**
   * {@code completion_tokens} already includes the reasoning tokens, {@code prompt_tokens} the cached ones.
   * DeepSeek also counts its cache hits as {@code prompt_cache_hit_tokens} (§7.2).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Usage(
      @JsonProperty("prompt_tokens") long promptTokens,
      @JsonProperty("completion_tokens") long completionTokens,
      @JsonProperty("prompt_tokens_details") PromptDetails promptDetails,
      @JsonProperty("completion_tokens_details") CompletionDetails completionDetails,
      @JsonProperty("prompt_cache_hit_tokens") Long promptCacheHitTokens) {

    long cachedTokens() {
      if (promptDetails != null && promptDetails.cachedTokens() != null) {
        return promptDetails.cachedTokens();
      }
      return promptCacheHitTokens == null ? 0 : promptCacheHitTokens;
    }

    long reasoningTokens() {
      return completionDetails == null || completionDetails.reasoningTokens() == null
          ? 0 : completionDetails.reasoningTokens();
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record PromptDetails(@JsonProperty("cached_tokens") Long cachedTokens) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record CompletionDetails(@JsonProperty("reasoning_tokens") Long reasoningTokens) {}
}
