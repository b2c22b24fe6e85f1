package io.llmgate.provider.deepseek;

import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderDescriptor;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import io.llmgate.provider.openai.OpenAiProvider;
import io.llmgate.stream.ResponseFormat;
import java.util.List;
import java.util.Set;

/**
 * DeepSeek speaks the OpenAI dialect (wire-formats.md §7): the OpenAI request and decoder serve it as
 * they are, since the decoder already reads {@code reasoning_content}, usage on the finish chunk and
 * {@code finish_reason: insufficient_system_resource}, and SSE keep-alive comments never reach it. What
 * is DeepSeek's own is its address, its models, and {@code max_tokens} as the token-limit field.
 */
public final class DeepSeekProvider {
  public static final String DEFAULT_BASE_URL = "https://api.deepseek.com";
  public static final String DEFAULT_MODEL = "deepseek-chat";
  public static final List<String> MODELS = List.of("deepseek-chat", "deepseek-reasoner");
  public static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor("deepseek", List.of(), "DEEPSEEK_API_KEY",
      "DEEPSEEK_BASE_URL", DEFAULT_BASE_URL, DEFAULT_MODEL, MODELS, DeepSeekProvider::create);

  /** DeepSeek's models read no images, and its JSON output is json_object only (docs/providers.md). */
  static final Capabilities CAPABILITIES = new Capabilities(false, true, Set.of(ResponseFormat.Type.JSON_OBJECT));

  private DeepSeekProvider() {}

  public static ChatProvider create(HttpUpstream http, ProviderEndpoint endpoint, RequestHook hook) {
    return new OpenAiProvider(http, endpoint, OpenAiProvider.TokenLimit.MAX_TOKENS, CAPABILITIES, hook);
  }
}
