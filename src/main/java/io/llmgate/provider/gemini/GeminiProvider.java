package io.llmgate.provider.gemini;

import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ProviderDescriptor;
import io.llmgate.provider.http.HttpStreamingProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import java.util.List;

/** Google Gemini through the Generative Language API, streamed as SSE. */
public final class GeminiProvider extends HttpStreamingProvider {
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
  public static final String DEFAULT_MODEL = "gemini-2.5-flash";
  public static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor("gemini", List.of(), "GEMINI_API_KEY",
      "GEMINI_BASE_URL", DEFAULT_BASE_URL, DEFAULT_MODEL, List.of(DEFAULT_MODEL, "gemini-2.5-pro"), GeminiProvider::new);

  public GeminiProvider(HttpUpstream http, ProviderEndpoint endpoint, RequestHook hook) {
    super(http, endpoint, new GeminiRequestMapper(endpoint)::map, GeminiEventDecoder::new, Capabilities.ALL, hook);
  }
}
