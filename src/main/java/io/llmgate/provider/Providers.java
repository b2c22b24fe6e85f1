package io.llmgate.provider;

import io.llmgate.config.CompatibleProviderSettings;
import io.llmgate.config.ProviderSettings;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.provider.anthropic.AnthropicProvider;
import io.llmgate.provider.compatible.CompatibleProvider;
import io.llmgate.provider.deepseek.DeepSeekProvider;
import io.llmgate.provider.gemini.GeminiProvider;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.openai.OpenAiProvider;
import io.llmgate.provider.resilience.RetryingProvider;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the remote providers from the environment and the {@code providers:} settings: each built-in
 * provider whose API key is set, and each configured OpenAI-compatible server. A provider without its
 * key is registered as unconfigured with the variable to set, so asking for it says what is missing.
 * Keys are read here once and never logged.
 */
public final class Providers {
  private static final Logger LOG = LoggerFactory.getLogger(Providers.class);
  /** The embedded model, registered by the composition root; a valid fallback target. */
  private static final String LOCAL = "local";

  private record BuiltIn(String name, List<String> aliases, String keyEnv, String baseUrlEnv, String baseUrl,
      String defaultModel, List<String> models, BiFunction<HttpUpstream, ProviderEndpoint, ChatProvider> factory) {}

  private static final List<BuiltIn> BUILT_IN = List.of(
      new BuiltIn("openai", List.of(), "OPENAI_API_KEY", "OPENAI_BASE_URL", OpenAiProvider.DEFAULT_BASE_URL,
          OpenAiProvider.DEFAULT_MODEL, List.of(OpenAiProvider.DEFAULT_MODEL, "gpt-4o", "gpt-4.1-mini"),
          (http, endpoint) -> new OpenAiProvider(http, endpoint, OpenAiProvider.TokenLimit.MAX_COMPLETION_TOKENS)),
      new BuiltIn("claude", List.of("anthropic"), "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL",
          AnthropicProvider.DEFAULT_BASE_URL, AnthropicProvider.DEFAULT_MODEL,
          List.of(AnthropicProvider.DEFAULT_MODEL, "claude-haiku-4-5", "claude-opus-4-1"), AnthropicProvider::new),
      new BuiltIn("gemini", List.of(), "GEMINI_API_KEY", "GEMINI_BASE_URL", GeminiProvider.DEFAULT_BASE_URL,
          GeminiProvider.DEFAULT_MODEL, List.of(GeminiProvider.DEFAULT_MODEL, "gemini-2.5-pro"), GeminiProvider::new),
      new BuiltIn("deepseek", List.of(), "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL", DeepSeekProvider.DEFAULT_BASE_URL,
          DeepSeekProvider.DEFAULT_MODEL, DeepSeekProvider.MODELS, DeepSeekProvider::create));

  private Providers() {}

  /**
   * A registry holding every remote provider {@code env} and {@code settings} enable, each wrapped with
   * its retry policy; the caller may register more ({@code local}) on it. Fails with
   * {@link IllegalArgumentException} naming the setting when the settings contradict themselves.
   */
  public static ProviderRegistry fromEnvironment(Vertx vertx, Map<String, String> env, ProvidersSettings settings) {
    Set<String> known = knownNames(settings);
    ProviderRegistry registry = new ProviderRegistry();
    HttpUpstream http = HttpUpstream.create(vertx, settings.maxConnectionsPerHost());
    for (BuiltIn builtIn : BUILT_IN) {
      ProviderSettings own = settings.of(builtIn.name());
      checkFallback(builtIn.name(), own.fallback(), known);
      addBuiltIn(registry, http, env, builtIn, own);
    }
    for (CompatibleProviderSettings compatible : settings.compatible()) {
      checkFallback(compatible.name(), compatible.fallback(), known);
      addCompatible(registry, http, env, compatible);
    }
    return registry;
  }

  private static Set<String> knownNames(ProvidersSettings settings) {
    Set<String> known = new HashSet<>(List.of(LOCAL));
    BUILT_IN.forEach(builtIn -> {
      known.add(builtIn.name());
      known.addAll(builtIn.aliases());
    });
    for (CompatibleProviderSettings compatible : settings.compatible()) {
      if (!known.add(compatible.name())) {
        throw new IllegalArgumentException("providers.compatible.name: \"" + compatible.name()
            + "\" is already taken (expected: a name no other provider uses)");
      }
    }
    return known;
  }

  private static void checkFallback(String owner, List<String> fallback, Set<String> known) {
    for (String name : fallback) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("providers." + owner + ".fallback: \"" + name
            + "\" (expected one of: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  private static void addBuiltIn(ProviderRegistry registry, HttpUpstream http, Map<String, String> env,
      BuiltIn builtIn, ProviderSettings settings) {
    registry.defaultFallback(builtIn.name(), settings.fallback());
    Optional<String> key = value(env, builtIn.keyEnv());
    if (key.isEmpty()) {
      registry.unconfigured(builtIn.name(), "set " + builtIn.keyEnv());
      builtIn.aliases().forEach(alias -> registry.unconfigured(alias, "set " + builtIn.keyEnv()));
      LOG.info("{}: off (set {} to enable it)", builtIn.name(), builtIn.keyEnv());
      return;
    }
    String baseUrl = value(env, builtIn.baseUrlEnv()).or(settings::baseUrl).orElse(builtIn.baseUrl());
    String model = settings.defaultModel().orElse(builtIn.defaultModel());
    List<String> models = settings.models().isEmpty() ? builtIn.models() : settings.models();
    ProviderEndpoint endpoint = new ProviderEndpoint(builtIn.name(), baseUrl, key, model, models, settings.timeouts());
    ChatProvider provider = builtIn.factory().apply(http, endpoint);
    registry.register(new RetryingProvider(provider, settings.retry()), builtIn.aliases().toArray(String[]::new));
    LOG.info("{}: on ({})", builtIn.name(), endpoint);
  }

  private static void addCompatible(ProviderRegistry registry, HttpUpstream http, Map<String, String> env,
      CompatibleProviderSettings settings) {
    registry.defaultFallback(settings.name(), settings.fallback());
    Optional<String> key = settings.apiKeyEnv().flatMap(name -> value(env, name));
    if (settings.apiKeyEnv().isPresent() && key.isEmpty()) {
      registry.unconfigured(settings.name(), "set " + settings.apiKeyEnv().get());
      LOG.info("{}: off (set {} to enable it)", settings.name(), settings.apiKeyEnv().get());
      return;
    }
    ChatProvider provider = CompatibleProvider.create(http, settings, key);
    registry.register(new RetryingProvider(provider, settings.retry()));
    LOG.info("{}: on (OpenAI-compatible at {}, default model {})", settings.name(), settings.baseUrl(),
        settings.defaultModel());
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
