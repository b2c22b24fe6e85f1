package io.llmgate.provider.compatible;

import io.llmgate.config.CompatibleProviderSettings;
import io.llmgate.provider.Capabilities;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.http.ApiKeyFile;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import io.llmgate.provider.openai.OpenAiProvider;
import java.util.Optional;

/**
 * A provider declared in configuration that speaks the OpenAI dialect: Ollama's {@code /v1}, vLLM,
 * OpenRouter, LM Studio … It sends {@code max_tokens}, the field all of them know; reasoning arrives as
 * {@code delta.reasoning} (Ollama, vLLM) or {@code delta.reasoning_content}, and the OpenAI decoder reads both.
 */
public final class CompatibleProvider {
  private CompatibleProvider() {}

  /** With the key {@code apiKey} (from its {@code api-key-env}), or none. */
  public static ChatProvider create(HttpUpstream http, CompatibleProviderSettings settings, Optional<String> apiKey) {
    return create(http, settings, apiKey, RequestHook.NONE);
  }

  /** With the key in {@code keyFile} (its {@code api-key-file}), whichever it holds when a request is sent. */
  public static ChatProvider create(HttpUpstream http, CompatibleProviderSettings settings, ApiKeyFile keyFile) {
    return create(http, settings, Optional.of(keyFile.key()), keyFile);
  }

  private static ChatProvider create(HttpUpstream http, CompatibleProviderSettings settings, Optional<String> apiKey,
      RequestHook hook) {
    ProviderEndpoint endpoint = new ProviderEndpoint(settings.name(), settings.baseUrl(), apiKey,
        settings.defaultModel(), settings.models(), settings.timeouts());
    return new OpenAiProvider(http, endpoint, OpenAiProvider.TokenLimit.MAX_TOKENS, Capabilities.ALL, hook);
  }
}
