package io.llmgate.provider.gemini;

import io.llmgate.provider.http.HttpStreamingProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.StreamDecoder;
import io.llmgate.provider.http.UpstreamCall;
import io.llmgate.stream.ChatRequest;

/** Google Gemini through the Generative Language API, streamed as SSE. */
public final class GeminiProvider extends HttpStreamingProvider {
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
  public static final String DEFAULT_MODEL = "gemini-2.5-flash";

  private final GeminiRequestMapper mapper;

  public GeminiProvider(HttpUpstream http, ProviderEndpoint endpoint) {
    super(http, endpoint);
    this.mapper = new GeminiRequestMapper(endpoint);
  }

  @Override
  protected UpstreamCall call(ChatRequest request, String model) {
    return mapper.map(request, model);
  }

  @Override
  protected StreamDecoder decoder(String model) {
    return new GeminiEventDecoder(name(), model);
  }
}
