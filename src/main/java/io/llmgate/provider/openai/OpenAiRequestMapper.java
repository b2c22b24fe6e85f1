package io.llmgate.provider.openai;

import io.llmgate.provider.http.Json;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.UpstreamCall;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
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
    OpenAiWire.Request body = new OpenAiWire.Request(
        model,
        messages(request),
        true,
        new OpenAiWire.StreamOptions(true),
        request.temperature().isPresent() ? request.temperature().getAsDouble() : null,
        tokenLimit == OpenAiProvider.TokenLimit.MAX_TOKENS ? limit : null,
        tokenLimit == OpenAiProvider.TokenLimit.MAX_COMPLETION_TOKENS ? limit : null);
    return new UpstreamCall(endpoint.name(), endpoint.baseUrl() + "/chat/completions", headers(), Json.encode(body),
        endpoint.secret());
  }

  private static List<OpenAiWire.Message> messages(ChatRequest request) {
    List<OpenAiWire.Message> messages = new ArrayList<>();
    request.system().ifPresent(system -> messages.add(new OpenAiWire.Message("system", system)));
    for (ChatMessage message : request.messages()) {
      messages.add(new OpenAiWire.Message(message.role().wire(), message.content()));
    }
    return messages;
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "text/event-stream");
    endpoint.apiKey().ifPresent(key -> headers.put("Authorization", "Bearer " + key));
    return headers;
  }
}
