package io.llmgate.provider.gemini;

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
 * System text goes to {@code systemInstruction}; assistant turns are the {@code model} role.
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

  UpstreamCall map(ChatRequest request, String model) {
    GeminiWire.Request body = new GeminiWire.Request(contents(request), systemInstruction(request), config(request));
    String path = "/v1beta/models/" + (model.startsWith("models/") ? model.substring(7) : model)
        + ":streamGenerateContent?alt=sse";
    return new UpstreamCall(endpoint.name(), endpoint.baseUrl() + path, headers(), Json.encode(body), endpoint.secret());
  }

  private static List<GeminiWire.Content> contents(ChatRequest request) {
    List<GeminiWire.Content> contents = new ArrayList<>();
    for (ChatMessage message : request.messages()) {
      if (message.role() != Role.SYSTEM) {
        String role = message.role() == Role.ASSISTANT ? "model" : "user";
        contents.add(new GeminiWire.Content(role, parts(message)));
      }
    }
    return contents;
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
