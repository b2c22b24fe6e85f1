package io.llmgate.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An extra provider that speaks the OpenAI Chat Completions dialect (Ollama, vLLM, OpenRouter, LM
 * Studio …), declared under {@code providers.compatible}. {@code baseUrl} is the URL that
 * {@code /chat/completions} is appended to (e.g. {@code http://localhost:11434/v1}); {@code apiKeyEnv}
 * names the environment variable holding its key, absent for a local server that needs none; or
 * {@code apiKeyFile} the file holding it (a mounted secret), re-read when it changes. The key itself
 * never appears in configuration.
 */
public record CompatibleProviderSettings(String name, String baseUrl, Optional<String> apiKeyEnv,
    Optional<String> apiKeyFile, String defaultModel, List<String> models, List<String> fallback, UpstreamTimeouts timeouts,
    RetrySettings retry) {

  static final Set<String> KEYS =
      Set.of("name", "base-url", "api-key-env", "api-key-file", "default-model", "models", "fallback", "timeouts",
          "retry");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public CompatibleProviderSettings {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ConfigException(
          "providers.compatible.name: \"" + name + "\" (expected: lower-case letters, digits, '.', '_' or '-')");
    }
    Objects.requireNonNull(baseUrl, name + ".base-url");
    Objects.requireNonNull(apiKeyEnv, "apiKeyEnv");
    if (apiKeyEnv.isPresent() && apiKeyFile.isPresent()) {
      throw new ConfigException("providers.compatible." + name + ".api-key-file: given with api-key-env"
          + " (expected: one of them, where the key is)");
    }
    Objects.requireNonNull(defaultModel, name + ".default-model");
    models = List.copyOf(models);
    fallback = List.copyOf(fallback);
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(retry, "retry");
  }

  static CompatibleProviderSettings read(Settings in, UpstreamTimeouts timeouts, RetrySettings retry) {
    return new CompatibleProviderSettings(
        in.text("name").orElseThrow(() -> missing(in, "name")),
        in.text("base-url").orElseThrow(() -> missing(in, "base-url")),
        in.text("api-key-env"),
        in.text("api-key-file"),
        in.text("default-model").orElseThrow(() -> missing(in, "default-model")),
        in.texts("models"),
        in.texts("fallback"),
        ProvidersSettings.timeouts(in, timeouts),
        ProvidersSettings.retry(in, retry));
  }

  private static ConfigException missing(Settings in, String key) {
    return new ConfigException(in.key(key) + ": missing (expected: a non-empty string)");
  }
}
