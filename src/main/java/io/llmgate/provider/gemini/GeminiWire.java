package io.llmgate.provider.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The Generative Language API wire format (wire-formats.md §6), as far as llmgate reads and writes it. */
final class GeminiWire {
  private GeminiWire() {}

  record Request(List<Content> contents, Content systemInstruction, GenerationConfig generationConfig,
      List<Tools> tools, ToolConfig toolConfig) {}

  /** The caller's JSON Schema goes out unchanged, as {@code parametersJsonSchema} takes full JSON Schema. */
  record FunctionDeclaration(String name, String description, @JsonRawValue String parametersJsonSchema) {}

  record Tools(List<FunctionDeclaration> functionDeclarations) {}

  record ToolConfig(FunctionCallingConfig functionCallingConfig) {}

  /** {@code mode}: AUTO, ANY or NONE; {@code allowedFunctionNames} narrows ANY to one function. */
  record FunctionCallingConfig(String mode, List<String> allowedFunctionNames) {}

  /** {@code role} is {@code user} or {@code model}; absent on a system instruction. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Content(String role, List<Part> parts) {
    List<Part> partsOrEmpty() {
      return parts == null ? List.of() : parts;
    }
  }

  /**
   * A text part ({@code thought: true} marks thinking), an image sent inline or by URI, a function call the
   * model made, or the response to one. {@code thoughtSignature} is sent on a turn's first call (see
   * {@code GeminiRequestMapper}).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Part(String text, Boolean thought, FunctionCall functionCall, FunctionResponse functionResponse,
      Blob inlineData, FileData fileData, String thoughtSignature) {
    static Part text(String text) {
      return new Part(text, null, null, null, null, null, null);
    }

    static Part inline(String mimeType, String base64) {
      return new Part(null, null, null, null, new Blob(mimeType, base64), null, null);
    }

    static Part file(String mimeType, String uri) {
      return new Part(null, null, null, null, null, new FileData(mimeType, uri), null);
    }

    static Part call(FunctionCall call, String thoughtSignature) {
      return new Part(null, null, call, null, null, null, thoughtSignature);
    }

    static Part response(FunctionResponse response) {
      return new Part(null, null, null, response, null, null, null);
    }

    boolean isThought() {
      return Boolean.TRUE.equals(thought);
    }
  }

  /** {@code args} is a JSON object; {@code id} is optional and newer (wire-formats.md §6.4). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record FunctionCall(String id, String name, JsonNode args) {}

  /** {@code response} must be an object: a result that is not one is wrapped as {@code {"content": …}}. */
  record FunctionResponse(String id, String name, JsonNode response) {}

  record Blob(String mimeType, String data) {}

  /** {@code mimeType} may be absent: Gemini then finds the type itself. */
  record FileData(String mimeType, String fileUri) {}

  /**
   * {@code responseJsonSchema} takes JSON Schema as it is; {@code responseSchema}, its older sibling, is an
   * OpenAPI subset that refuses what OpenAI-style schemas hold ({@code additionalProperties}, type lists).
   */
  record GenerationConfig(
      Double temperature,
      Integer maxOutputTokens,
      List<String> stopSequences,
      Double topP,
      Integer seed,
      Double presencePenalty,
      Double frequencyPenalty,
      String responseMimeType,
      Map<String, Object> responseJsonSchema,
      ThinkingConfig thinkingConfig) {}

  record ThinkingConfig(Boolean includeThoughts, Integer thinkingBudget) {}

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
  record UsageMetadata(Long promptTokenCount, Long candidatesTokenCount, Long thoughtsTokenCount,
      Long cachedContentTokenCount) {}
}
