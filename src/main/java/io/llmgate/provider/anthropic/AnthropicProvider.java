package io.llmgate.provider.anthropic;

import io.llmgate.provider.http.HttpStreamingProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.StreamDecoder;
import io.llmgate.provider.http.UpstreamCall;
import io.llmgate.stream.ChatRequest;

/** Anthropic's Messages API: offered as {@code claude}, with {@code anthropic} as an alias. */
public final class AnthropicProvider extends HttpStreamingProvider {
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  public static final String DEFAULT_MODEL = "claude-sonnet-4-5";

  private final AnthropicRequestMapper mapper;

  public AnthropicProvider(HttpUpstream http, ProviderEndpoint endpoint) {
    super(http, endpoint);
    this.mapper = new AnthropicRequestMapper(endpoint);
  }

  @Override
  protected UpstreamCall call(ChatRequest request, String model) {
    return mapper.map(request, model);
  }

  @Override
  protected StreamDecoder decoder(String model) {
    return new AnthropicEventDecoder(name(), model);
  }
}
