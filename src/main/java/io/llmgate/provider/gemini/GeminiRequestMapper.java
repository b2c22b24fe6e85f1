package io.llmgate.provider.gemini;

import io.llmgate.provider.http.Json;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.UpstreamCall;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse} (§6.1). Always with
 * {@code alt=sse}: without it the same URL streams one pretty-printed JSON array instead of events.
 * System text goes to {@code systemInstruction}; assistant turns are the {@code model} role.
 */
final class GeminiRequestMapper {
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
        contents.add(new GeminiWire.Content(role, List.of(GeminiWire.Part.text(message.content()))));
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

  private static GeminiWire.GenerationConfig config(ChatRequest request) {
    if (request.temperature().isEmpty() && request.maxTokens().isEmpty()) {
      return null;
    }
    return new GeminiWire.GenerationConfig(
        request.temperature().isPresent() ? request.temperature().getAsDouble() : null,
        request.maxTokens().isPresent() ? request.maxTokens().getAsInt() : null);
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "text/event-stream");
    endpoint.apiKey().ifPresent(key -> headers.put("x-goog-api-key", key));
    return headers;
  }
}
