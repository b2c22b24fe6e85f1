package io.llmgate.provider.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The Generative Language API wire format (wire-formats.md §6), as far as llmgate reads and writes it. */
final class GeminiWire {
  private GeminiWire() {}

  record Request(List<Content> contents, Content systemInstruction, GenerationConfig generationConfig) {}

  /** {@code role} is {@code user} or {@code model}; absent on a system instruction. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Content(String role, List<Part> parts) {
    List<Part> partsOrEmpty() {
      return parts == null ? List.of() : parts;
    }
  }

  /** A text part ({@code thought: true} marks thinking), or a function call this gateway does not relay. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Part(String text, Boolean thought, JsonNode functionCall) {
    static Part text(String text) {
      return new Part(text, null, null);
    }

    boolean isThought() {
      return Boolean.TRUE.equals(thought);
    }
  }

  record GenerationConfig(Double temperature, Integer maxOutputTokens) {}

  /** One frame: a complete {@code GenerateContentResponse} holding only the new parts, or an error. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Response(List<Candidate> candidates, PromptFeedback promptFeedback, UsageMetadata usageMetadata,
      String modelVersion, JsonNode error) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Candidate(Content content, String finishReason) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record PromptFeedback(String blockReason) {}

  /** Repeated on every frame, and may even shrink: only the last frame's figures count (§6.4). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record UsageMetadata(Long promptTokenCount, Long candidatesTokenCount, Long thoughtsTokenCount) {}
}
