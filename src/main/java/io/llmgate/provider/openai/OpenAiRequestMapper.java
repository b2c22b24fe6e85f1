package io.llmgate.provider.openai;

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
import io.llmgate.stream.ToolChoice;
import io.llmgate.stream.ToolDefinition;
import io.llmgate.stream.ToolUse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST {base}/chat/completions} with {@code stream: true} and usage in the stream (§3.1). Tools,
 * tool calls and tool results are OpenAI's own vocabulary, so they map one to one.
 */
final class OpenAiRequestMapper {
  private final ProviderEndpoint endpoint;
  private final OpenAiProvider.TokenLimit tokenLimit;

  OpenAiRequestMapper(ProviderEndpoint endpoint, OpenAiProvider.TokenLimit tokenLimit) {
    this.endpoint = endpoint;
    this.tokenLimit = tokenLimit;
  }

  UpstreamCall map(ChatRequest request, String model) {
    Integer limit = request.maxTokens().isPresent() ? request.maxTokens().getAsInt() : null;
    GenerationOptions options = request.options();
    OpenAiWire.Request body = new OpenAiWire.Request(
        model,
        messages(request),
        true,
        new OpenAiWire.StreamOptions(true),
        request.temperature().isPresent() ? request.temperature().getAsDouble() : null,
        tokenLimit == OpenAiProvider.TokenLimit.MAX_TOKENS ? limit : null,
        tokenLimit == OpenAiProvider.TokenLimit.MAX_COMPLETION_TOKENS ? limit : null,
        options.stop().isEmpty() ? null : options.stop(),
        GenerationOptions.orNull(options.topP()),
        GenerationOptions.orNull(options.seed()),
        GenerationOptions.orNull(options.presencePenalty()),
        GenerationOptions.orNull(options.frequencyPenalty()),
        options.user().orElse(null),
        options.responseFormat().map(OpenAiRequestMapper::responseFormat).orElse(null),
        options.reasoning().flatMap(Reasoning::effort).map(Reasoning.Effort::wire).orElse(null),
        tools(request.tools()),
        request.tools().offered() ? request.tools().choice().map(OpenAiRequestMapper::choice).orElse(null) : null,
        request.tools().offered() ? request.tools().parallelCalls().orElse(null) : null);
    return new UpstreamCall(endpoint.name(), endpoint.baseUrl() + "/chat/completions", headers(), Json.encode(body),
        endpoint.secret());
  }

  private static List<OpenAiWire.Message> messages(ChatRequest request) {
    List<OpenAiWire.Message> messages = new ArrayList<>();
    request.system().ifPresent(system -> messages.add(new OpenAiWire.Message("system", system)));
    for (ChatMessage message : request.messages()) {
      messages.add(message(message));
    }
    return messages;
  }

  /** A plain string unless the message holds an image: what every server of the dialect reads. */
  private static Object content(ChatMessage message) {
    if (!message.hasImages()) {
      return message.content();
    }
    List<OpenAiWire.Part> parts = new ArrayList<>();
    for (ContentPart part : message.parts()) {
      parts.add(part instanceof ContentPart.Image image
          ? new OpenAiWire.Part("image_url", null, new OpenAiWire.ImageUrl(image.url(), image.detail().orElse(null)))
          : new OpenAiWire.Part("text", ((ContentPart.Text) part).text(), null));
    }
    return parts;
  }

  private static OpenAiWire.ResponseFormat responseFormat(ResponseFormat format) {
    if (format.type() == ResponseFormat.Type.JSON_OBJECT) {
      return new OpenAiWire.ResponseFormat("json_object", null);
    }
    return new OpenAiWire.ResponseFormat("json_schema", new OpenAiWire.JsonSchema(format.name(),
        format.description().orElse(null), format.schema().isEmpty() ? null : format.schema(),
        format.strict().orElse(null)));
  }

  private static OpenAiWire.Message message(ChatMessage message) {
    if (message.role() == Role.TOOL) {
      return new OpenAiWire.Message("tool", message.content(), null, message.toolCallId().orElseThrow());
    }
    if (message.toolCalls().isEmpty()) {
      return new OpenAiWire.Message(message.role().wire(), content(message));
    }
    List<OpenAiWire.ToolCall> calls = new ArrayList<>();
    for (ToolCall call : message.toolCalls()) {
      calls.add(new OpenAiWire.ToolCall(call.id(), "function", new OpenAiWire.CallFunction(call.name(),
          call.arguments())));
    }
    return new OpenAiWire.Message("assistant", message.content().isEmpty() ? null : message.content(), calls, null);
  }

  private static List<OpenAiWire.Tool> tools(ToolUse use) {
    if (!use.offered()) {
      return null;
    }
    List<OpenAiWire.Tool> tools = new ArrayList<>();
    for (ToolDefinition tool : use.tools()) {
      tools.add(new OpenAiWire.Tool(new OpenAiWire.Function(tool.name(), tool.description().orElse(null),
          tool.parametersJson())));
    }
    return tools;
  }

  private static Object choice(ToolChoice choice) {
    return choice.mode() == ToolChoice.Mode.FUNCTION
        ? new OpenAiWire.NamedChoice("function", new OpenAiWire.FunctionName(choice.function().orElseThrow()))
        : choice.mode().wire();
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "text/event-stream");
    endpoint.apiKey().ifPresent(key -> headers.put("Authorization", "Bearer " + key));
    return headers;
  }
}
