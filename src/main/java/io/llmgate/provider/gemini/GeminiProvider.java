package io.llmgate.provider.gemini;

import io.llmgate.provider.Capabilities;
import io.llmgate.provider.http.HttpStreamingProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;

/** Google Gemini through the Generative Language API, streamed as SSE. */
public final class GeminiProvider extends HttpStreamingProvider {
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
  public static final String DEFAULT_MODEL = "gemini-2.5-flash";

  public GeminiProvider(HttpUpstream http, ProviderEndpoint endpoint) {
    super(http, endpoint, new GeminiRequestMapper(endpoint)::map, GeminiEventDecoder::new, Capabilities.ALL);
  }
}
