package io.llmgate.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmgate.provider.http.Json;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.UpstreamCall;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.ContentPart;
import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.Reasoning;
import io.llmgate.stream.ResponseFormat;
import io.llmgate.stream.Role;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.ToolDefinition;
import io.llmgate.stream.ToolUse;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse} (§6.1). Always with
 * {@code alt=sse}: without it the same URL streams one pretty-printed JSON array instead of events.
 * System text goes to {@code systemInstruction}; assistant turns are the {@code model} role. Tools become
 * {@code functionDeclarations}, the choice {@code toolConfig} (required is {@code ANY}, a named function
 * {@code ANY} allowed only that one); Gemini has no switch for parallel calls, so that one is not sent. A
 * call becomes a {@code functionCall} part and its result a {@code functionResponse} part, which must name
 * the function: it is found from the call the result answers.
 *
 * <p>Gemini 3 wants the {@code thoughtSignature} it gave a turn's first call back with it; clients of the
 * OpenAI form cannot carry it, so that part gets the placeholder Google documents for history without one
 * ({@code skip_thought_signature_validator}): the call is accepted, its thinking is not resumed.
 */
final class GeminiRequestMapper {
  private static final GeminiWire.GenerationConfig EMPTY_CONFIG =
      new GeminiWire.GenerationConfig(null, null, null, null, null, null, null, null, null, null);
  private static final Map<String, String> IMAGE_TYPES = Map.of(".png", "image/png", ".jpg", "image/jpeg",
      ".jpeg", "image/jpeg", ".webp", "image/webp", ".gif", "image/gif", ".heic", "image/heic", ".heif", "image/heif");
  private final ProviderEndpoint endpoint;

  GeminiRequestMapper(ProviderEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  static final String NO_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

  UpstreamCall map(ChatRequest request, String model) {
    GeminiWire.Request body = new GeminiWire.Request(contents(request), systemInstruction(request), config(request),
        tools(request.tools()), request.tools().offered() ? toolConfig(request.tools()) : null);
    String path = "/v1beta/models/" + (model.startsWith("models/") ? model.substring(7) : model)
        + ":streamGenerateContent?alt=sse";
    return new UpstreamCall(endpoint.name(), endpoint.baseUrl() + path, headers(), Json.encode(body), endpoint.secret());
  }

  private static List<GeminiWire.Content> contents(ChatRequest request) {
    List<GeminiWire.Content> contents = new ArrayList<>();
    List<ChatMessage> messages = request.messages();
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage message = messages.get(i);
      switch (message.role()) {
        case SYSTEM -> { }
        case USER -> contents.add(new GeminiWire.Content("user", parts(message)));
        case ASSISTANT -> contents.add(new GeminiWire.Content("model", modelParts(message)));
        case TOOL -> contents.add(new GeminiWire.Content("user", List.of(response(messages, i))));
      }
    }
    return contents;
  }

  private static List<GeminiWire.Part> modelParts(ChatMessage message) {
    List<GeminiWire.Part> parts = new ArrayList<>();
    if (!message.content().isEmpty() || message.toolCalls().isEmpty()) {
      parts.add(GeminiWire.Part.text(message.content()));
    }
    for (ToolCall call : message.toolCalls()) {
      parts.add(GeminiWire.Part.call(new GeminiWire.FunctionCall(call.id(), call.name(), Json.tree(call.arguments())),
          parts.stream().anyMatch(p -> p.functionCall() != null) ? null : NO_THOUGHT_SIGNATURE));
    }
    return parts;
  }

  /** Message {@code at}, a tool result, as a response naming the function of the latest call it answers. */
  private static GeminiWire.Part response(List<ChatMessage> messages, int at) {
    String id = messages.get(at).toolCallId().orElseThrow();
    String name = callName(messages, at, id).orElseThrow(); // the parser admits only results of earlier calls
    JsonNode result = Json.tree(messages.get(at).content());
    JsonNode response = result.isObject() ? result
        : JsonNodeFactory.instance.objectNode().put("content", messages.get(at).content());
    return GeminiWire.Part.response(new GeminiWire.FunctionResponse(id, name, response));
  }

  private static Optional<String> callName(List<ChatMessage> messages, int before, String id) {
    for (int i = before - 1; i >= 0; i--) {
      for (ToolCall call : messages.get(i).toolCalls()) {
        if (call.id().equals(id)) {
          return Optional.of(call.name());
        }
      }
    }
    return Optional.empty();
  }

  private static List<GeminiWire.Tools> tools(ToolUse use) {
    if (!use.offered()) {
      return null;
    }
    List<GeminiWire.FunctionDeclaration> declarations = new ArrayList<>();
    for (ToolDefinition tool : use.tools()) {
      declarations.add(new GeminiWire.FunctionDeclaration(tool.name(), tool.description().orElse(null),
          tool.parametersJson()));
    }
    return List.of(new GeminiWire.Tools(declarations));
  }

  private static GeminiWire.ToolConfig toolConfig(ToolUse use) {
    return use.choice().map(choice -> new GeminiWire.ToolConfig(switch (choice.mode()) {
      case AUTO -> new GeminiWire.FunctionCallingConfig("AUTO", null);
      case NONE -> new GeminiWire.FunctionCallingConfig("NONE", null);
      case REQUIRED -> new GeminiWire.FunctionCallingConfig("ANY", null);
      case FUNCTION -> new GeminiWire.FunctionCallingConfig("ANY", List.of(choice.function().orElseThrow()));
    })).orElse(null);
  }

  private static GeminiWire.Content systemInstruction(ChatRequest request) {
    List<GeminiWire.Part> parts = new ArrayList<>();
    request.system().ifPresent(system -> parts.add(GeminiWire.Part.text(system)));
    request.messages().stream().filter(m -> m.role() == Role.SYSTEM)
        .forEach(m -> parts.add(GeminiWire.Part.text(m.content())));
    return parts.isEmpty() ? null : new GeminiWire.Content(null, parts);
  }

  private static List<GeminiWire.Part> parts(ChatMessage message) {
    if (!message.hasImages()) {
      return List.of(GeminiWire.Part.text(message.content()));
    }
    List<GeminiWire.Part> parts = new ArrayList<>();
    for (ContentPart part : message.parts()) {
      parts.add(part instanceof ContentPart.Image image ? image(image)
          : GeminiWire.Part.text(((ContentPart.Text) part).text()));
    }
    return parts;
  }

  /** Inline data as it is; a URL as {@code fileData}, typed from its extension when it has a known one. */
  private static GeminiWire.Part image(ContentPart.Image image) {
    if (image.isInline()) {
      return GeminiWire.Part.inline(image.mediaType(), image.base64Data());
    }
    String path = URI.create(image.url()).getPath().toLowerCase(Locale.ROOT);
    String type = IMAGE_TYPES.entrySet().stream().filter(e -> path.endsWith(e.getKey()))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    return GeminiWire.Part.file(type, image.url());
  }

  private static GeminiWire.GenerationConfig config(ChatRequest request) {
    GenerationOptions options = request.options();
    Optional<ResponseFormat> format = options.responseFormat();
    GeminiWire.GenerationConfig config = new GeminiWire.GenerationConfig(
        request.temperature().isPresent() ? request.temperature().getAsDouble() : null,
        request.maxTokens().isPresent() ? request.maxTokens().getAsInt() : null,
        options.stop().isEmpty() ? null : options.stop(),
        GenerationOptions.orNull(options.topP()),
        options.seed().isPresent() ? (int) options.seed().getAsLong() : null,
        GenerationOptions.orNull(options.presencePenalty()),
        GenerationOptions.orNull(options.frequencyPenalty()),
        format.isPresent() ? "application/json" : null,
        format.map(ResponseFormat::schema).filter(schema -> !schema.isEmpty()).orElse(null),
        options.reasoning().map(GeminiRequestMapper::thinking).orElse(null));
    return config.equals(EMPTY_CONFIG) ? null : config;
  }

  /** Thoughts are asked for so they stream as reasoning; a budget of 0 turns thinking off. */
  private static GeminiWire.ThinkingConfig thinking(Reasoning reasoning) {
    return reasoning.disabled() ? new GeminiWire.ThinkingConfig(null, 0)
        : new GeminiWire.ThinkingConfig(true, reasoning.budgetOrDefault());
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "text/event-stream");
    endpoint.apiKey().ifPresent(key -> headers.put("x-goog-api-key", key));
    return headers;
  }
}
