package io.llmgate.provider.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

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
      @JsonProperty("max_completion_tokens") Integer maxCompletionTokens) {}

  record Message(String role, String content) {}

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
      String refusal) {}

  /** {@code completion_tokens} already includes the reasoning tokens. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Usage(@JsonProperty("prompt_tokens") long promptTokens, @JsonProperty("completion_tokens") long completionTokens) {}
}
