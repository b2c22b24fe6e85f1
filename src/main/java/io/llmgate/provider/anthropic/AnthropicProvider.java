package io.llmgate.provider.anthropic;

import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ProviderDescriptor;
import io.llmgate.provider.http.HttpStreamingProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import java.util.List;
import java.util.Set;

/** Anthropic's Messages API: offered as {@code claude}, with {@code anthropic} as an alias. */
public final class AnthropicProvider extends HttpStreamingProvider {
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  public static final String DEFAULT_MODEL = "claude-sonnet-4-5";
  public static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor("claude", List.of("anthropic"),
      "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", DEFAULT_BASE_URL, DEFAULT_MODEL,
      List.of(DEFAULT_MODEL, "claude-haiku-4-5", "claude-opus-4-1"), AnthropicProvider::new);
  /** Images yes; the Messages API has no JSON mode or schema-constrained output (docs/providers.md). */
  static final Capabilities CAPABILITIES = new Capabilities(true, true, Set.of());

  public AnthropicProvider(HttpUpstream http, ProviderEndpoint endpoint, RequestHook hook) {
    super(http, endpoint, new AnthropicRequestMapper(endpoint)::map, AnthropicEventDecoder::new, CAPABILITIES, hook);
  }
}
