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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code POST {base}/chat/completions} with {@code stream: true} and usage in the stream (§3.1). */
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
        options.reasoning().flatMap(Reasoning::effort).map(Reasoning.Effort::wire).orElse(null));
    return new UpstreamCall(endpoint.name(), endpoint.baseUrl() + "/chat/completions", headers(), Json.encode(body),
        endpoint.secret());
  }

  private static List<OpenAiWire.Message> messages(ChatRequest request) {
    List<OpenAiWire.Message> messages = new ArrayList<>();
    request.system().ifPresent(system -> messages.add(new OpenAiWire.Message("system", system)));
    for (ChatMessage message : request.messages()) {
      messages.add(new OpenAiWire.Message(message.role().wire(), content(message)));
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

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "text/event-stream");
    endpoint.apiKey().ifPresent(key -> headers.put("Authorization", "Bearer " + key));
    return headers;
  }
}
