package io.llmgate.provider.anthropic;

import io.llmgate.provider.http.Json;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.UpstreamCall;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.ContentPart;
import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST {base}/v1/messages} (§5.1). System text, from {@code system} and from any system-role
 * message, becomes the top-level {@code system} field, since the Messages API has no system role.
 */
final class AnthropicRequestMapper {
  static final String API_VERSION = "2023-06-01";
  /** The API requires {@code max_tokens}; this applies when the client set no {@code maxTokens}. */
  static final int DEFAULT_MAX_TOKENS = 4096;

  private final ProviderEndpoint endpoint;

  AnthropicRequestMapper(ProviderEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  UpstreamCall map(ChatRequest request, String model) {
    AnthropicWire.Request body = new AnthropicWire.Request(
        model,
        request.maxTokens().orElse(DEFAULT_MAX_TOKENS),
        system(request),
        messages(request),
        request.temperature().isPresent() ? request.temperature().getAsDouble() : null,
        true,
        request.options().stop().isEmpty() ? null : request.options().stop(),
        GenerationOptions.orNull(request.options().topP()),
        request.options().user().map(AnthropicWire.Metadata::new).orElse(null));
    return new UpstreamCall(endpoint.name(), endpoint.baseUrl() + "/v1/messages", headers(), Json.encode(body),
        endpoint.secret());
  }

  private static String system(ChatRequest request) {
    List<String> parts = new ArrayList<>();
    request.system().ifPresent(parts::add);
    request.messages().stream().filter(m -> m.role() == Role.SYSTEM).map(ChatMessage::content).forEach(parts::add);
    return parts.isEmpty() ? null : String.join("\n\n", parts);
  }

  private static List<AnthropicWire.Message> messages(ChatRequest request) {
    return request.messages().stream()
        .filter(m -> m.role() != Role.SYSTEM)
        .map(m -> new AnthropicWire.Message(m.role().wire(), content(m)))
        .toList();
  }

  /** A plain string unless the message holds an image; then text and image blocks in order. */
  private static Object content(ChatMessage message) {
    if (!message.hasImages()) {
      return message.content();
    }
    List<AnthropicWire.Block> blocks = new ArrayList<>();
    for (ContentPart part : message.parts()) {
      if (part instanceof ContentPart.Image image) {
        blocks.add(new AnthropicWire.Block("image", null, source(image)));
      } else if (!((ContentPart.Text) part).text().isEmpty()) { // the API refuses empty text blocks
        blocks.add(new AnthropicWire.Block("text", ((ContentPart.Text) part).text(), null));
      }
    }
    return blocks;
  }

  /** OpenAI's {@code detail} has no Anthropic counterpart: Claude sizes images itself. */
  private static AnthropicWire.ImageSource source(ContentPart.Image image) {
    return image.isInline()
        ? new AnthropicWire.ImageSource("base64", image.mediaType(), image.base64Data(), null)
        : new AnthropicWire.ImageSource("url", null, null, image.url());
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "text/event-stream");
    headers.put("anthropic-version", API_VERSION);
    endpoint.apiKey().ifPresent(key -> headers.put("x-api-key", key));
    return headers;
  }
}
