package io.llmgate.provider.http;

import io.llmgate.config.UpstreamTimeouts;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and as whom one configured provider is reached: its client-facing name, base URL (no trailing
 * slash), API key (absent for a local server such as Ollama), default model, listed models and timeouts.
 * {@link #toString()} never shows the key.
 */
public record ProviderEndpoint(String name, String baseUrl, Optional<String> apiKey, String defaultModel,
    List<String> models, UpstreamTimeouts timeouts) {

  public ProviderEndpoint {
    Objects.requireNonNull(name, "name");
    baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException(name + ".base-url: \"" + baseUrl + "\" (expected: an http:// or https:// URL)");
    }
    Objects.requireNonNull(apiKey, "apiKey");
    if (defaultModel.isBlank()) {
      throw new IllegalArgumentException(name + ".default-model: \"\" (expected: a model name)");
    }
    models = models.contains(defaultModel) ? List.copyOf(models) : prepend(defaultModel, models);
    Objects.requireNonNull(timeouts, "timeouts");
  }

  /** The key, or "" for none: what {@link UpstreamCall#secret()} wants. */
  public String secret() {
    return apiKey.orElse("");
  }

  @Override
  public String toString() {
    return name + " at " + baseUrl + " (default model " + defaultModel + ")";
  }

  private static List<String> prepend(String first, List<String> rest) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).toList();
  }
}
