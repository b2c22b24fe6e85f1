package io.llmgate.provider.anthropic;

import io.llmgate.provider.Capabilities;
import io.llmgate.provider.http.HttpStreamingProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import java.util.Set;

/** Anthropic's Messages API: offered as {@code claude}, with {@code anthropic} as an alias. */
public final class AnthropicProvider extends HttpStreamingProvider {
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  public static final String DEFAULT_MODEL = "claude-sonnet-4-5";
  /** Images yes; the Messages API has no JSON mode or schema-constrained output (docs/providers.md). */
  static final Capabilities CAPABILITIES = new Capabilities(true, true, Set.of());

  public AnthropicProvider(HttpUpstream http, ProviderEndpoint endpoint) {
    super(http, endpoint, new AnthropicRequestMapper(endpoint)::map, AnthropicEventDecoder::new, CAPABILITIES);
  }
}
