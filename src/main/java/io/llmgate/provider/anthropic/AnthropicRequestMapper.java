package io.llmgate.provider.anthropic;

import io.llmgate.provider.http.Json;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.UpstreamCall;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.ContentPart;
import io.llmgate.stream.GenerationOptions;
import io.llmgate.stream.Role;
import io.llmgate.stream.ToolCall;
import io.llmgate.stream.ToolChoice;
import io.llmgate.stream.ToolDefinition;
import io.llmgate.stream.ToolUse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST {base}/v1/messages} (§5.1). System text, from {@code system} and from any system-role
 * message, becomes the top-level {@code system} field, since the Messages API has no system role. An
 * assistant turn's tool calls become {@code tool_use} blocks; tool results, which the Messages API takes
 * from the user, become {@code tool_result} blocks of one user turn (consecutive results share it, as the
 * API wants every result of a turn's calls in the next message). {@code parallelToolCalls: false} is
 * {@code disable_parallel_tool_use}.
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
        request.options().user().map(AnthropicWire.Metadata::new).orElse(null),
        tools(request.tools()),
        request.tools().offered() ? toolChoice(request.tools()) : null);
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
    List<AnthropicWire.Message> messages = new ArrayList<>();
    List<AnthropicWire.Block> results = new ArrayList<>();
    for (ChatMessage message : request.messages()) {
      if (message.role() == Role.TOOL) {
        results.add(AnthropicWire.Block.toolResult(message.toolCallId().orElseThrow(), message.content()));
        continue;
      }
      if (!results.isEmpty()) {
        messages.add(new AnthropicWire.Message("user", List.copyOf(results)));
        results.clear();
      }
      if (message.role() != Role.SYSTEM) {
        messages.add(new AnthropicWire.Message(message.role().wire(), content(message)));
      }
    }
    if (!results.isEmpty()) {
      messages.add(new AnthropicWire.Message("user", results));
    }
    return messages;
  }

  private static List<AnthropicWire.Tool> tools(ToolUse use) {
    if (!use.offered()) {
      return null;
    }
    List<AnthropicWire.Tool> tools = new ArrayList<>();
    for (ToolDefinition tool : use.tools()) {
      tools.add(new AnthropicWire.Tool(tool.name(), tool.description().orElse(null), tool.parametersJson()));
    }
    return tools;
  }

  /** Only when the caller chose, or turned parallel calls off (which needs a choice to ride on). */
  private static AnthropicWire.ToolChoice toolChoice(ToolUse use) {
    boolean disableParallel = use.parallelCalls().filter(parallel -> !parallel).isPresent();
    ToolChoice choice = use.choice().orElse(disableParallel ? ToolChoice.of(ToolChoice.Mode.AUTO) : null);
    if (choice == null) {
      return null;
    }
    return switch (choice.mode()) {
      case AUTO -> new AnthropicWire.ToolChoice("auto", null, disableParallel);
      case REQUIRED -> new AnthropicWire.ToolChoice("any", null, disableParallel);
      case FUNCTION -> new AnthropicWire.ToolChoice("tool", choice.function().orElseThrow(), disableParallel);
      case NONE -> new AnthropicWire.ToolChoice("none", null, false);
    };
  }

  /** A plain string unless the message holds images or tool calls; then text, image and tool_use blocks in order. */
  private static Object content(ChatMessage message) {
    if (!message.hasImages() && message.toolCalls().isEmpty()) {
      return message.content();
    }
    List<AnthropicWire.Block> blocks = new ArrayList<>();
    for (ContentPart part : message.parts()) {
      if (part instanceof ContentPart.Image image) {
        blocks.add(AnthropicWire.Block.image(source(image)));
      } else if (!((ContentPart.Text) part).text().isEmpty()) { // the API refuses empty text blocks
        blocks.add(AnthropicWire.Block.text(((ContentPart.Text) part).text()));
      }
    }
    for (ToolCall call : message.toolCalls()) {
      blocks.add(AnthropicWire.Block.toolUse(call.id(), call.name(), call.arguments()));
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
