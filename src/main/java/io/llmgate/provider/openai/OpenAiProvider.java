package io.llmgate.provider.openai;

import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ProviderDescriptor;
import io.llmgate.provider.http.HttpStreamingProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import java.util.List;

/**
 * OpenAI Chat Completions, and every server that speaks its dialect (DeepSeek, Ollama's {@code /v1},
 * vLLM, OpenRouter, LM Studio …): the same request and decoder under another name and base URL.
 */
public final class OpenAiProvider extends HttpStreamingProvider {
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  public static final String DEFAULT_MODEL = "gpt-4o-mini";
  public static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor("openai", List.of(), "OPENAI_API_KEY",
      "OPENAI_BASE_URL", DEFAULT_BASE_URL, DEFAULT_MODEL, List.of(DEFAULT_MODEL, "gpt-4o", "gpt-4.1-mini"),
      (http, endpoint, hook) -> new OpenAiProvider(http, endpoint, TokenLimit.MAX_COMPLETION_TOKENS, Capabilities.ALL, hook));

  /**
   * Which field carries {@code maxTokens}: OpenAI's reasoning models reject {@code max_tokens}
   * (§3.1), while DeepSeek and most compatible servers know only {@code max_tokens}.
   */
  public enum TokenLimit {
    MAX_COMPLETION_TOKENS,
    MAX_TOKENS
  }

  /** OpenAI itself, or a compatible server, which gets images and output formats as they are. */
  public OpenAiProvider(HttpUpstream http, ProviderEndpoint endpoint, TokenLimit tokenLimit) {
    this(http, endpoint, tokenLimit, Capabilities.ALL);
  }

  /** A server of this dialect known to take less (DeepSeek: no images, no json_schema). */
  public OpenAiProvider(HttpUpstream http, ProviderEndpoint endpoint, TokenLimit tokenLimit,
      Capabilities capabilities) {
    this(http, endpoint, tokenLimit, capabilities, RequestHook.NONE);
  }

  /** One whose every request {@code hook} prepares before it is sent (a key re-read from its file). */
  public OpenAiProvider(HttpUpstream http, ProviderEndpoint endpoint, TokenLimit tokenLimit,
      Capabilities capabilities, RequestHook hook) {
    super(http, endpoint, new OpenAiRequestMapper(endpoint, tokenLimit)::map, OpenAiEventDecoder::new, capabilities,
        hook);
  }
}
