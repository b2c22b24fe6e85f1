package io.llmgate.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of one built-in provider ({@code providers.openai}, {@code providers.claude} …). Absent
 * values fall back to the provider's own defaults; {@code baseUrl} here loses to the provider's
 * {@code *_BASE_URL} environment variable. {@code apiKeyFile} is a file holding its key (a mounted secret,
 * re-read when it changes) instead of its key variable. {@code fallback} names the providers tried, in order, when
 * this one fails before its first token and the request named no fallback of its own.
 */
public record ProviderSettings(Optional<String> baseUrl, Optional<String> apiKeyFile, Optional<String> defaultModel,
    List<String> models, List<String> fallback, UpstreamTimeouts timeouts, RetrySettings retry) {

  static final Set<String> KEYS =
      Set.of("base-url", "api-key-file", "default-model", "models", "fallback", "timeouts", "retry");

  public ProviderSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKeyFile, "apiKeyFile");
    Objects.requireNonNull(defaultModel, "defaultModel");
    models = List.copyOf(models);
    fallback = List.copyOf(fallback);
    Objects.requireNonNull(timeouts, "timeouts");
    Objects.requireNonNull(retry, "retry");
  }

  public static ProviderSettings defaults(UpstreamTimeouts timeouts, RetrySettings retry) {
    return new ProviderSettings(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), timeouts, retry);
  }

  static ProviderSettings read(Settings in, UpstreamTimeouts timeouts, RetrySettings retry) {
    return new ProviderSettings(in.text("base-url"), in.text("api-key-file"), in.text("default-model"), in.texts("models"),
        in.texts("fallback"), ProvidersSettings.timeouts(in, timeouts), ProvidersSettings.retry(in, retry));
  }
}
