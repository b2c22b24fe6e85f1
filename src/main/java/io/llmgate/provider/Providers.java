package io.llmgate.provider;

import io.llmgate.config.CompatibleProviderSettings;
import io.llmgate.config.Names;
import io.llmgate.config.ProviderSettings;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.provider.anthropic.AnthropicProvider;
import io.llmgate.provider.compatible.CompatibleProvider;
import io.llmgate.provider.deepseek.DeepSeekProvider;
import io.llmgate.provider.gemini.GeminiProvider;
import io.llmgate.provider.http.ApiKeyFile;
import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import io.llmgate.provider.local.LocalProvider;
import io.llmgate.provider.openai.OpenAiProvider;
import io.llmgate.provider.resilience.RetryingProvider;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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

  /**
   * The built-in remote providers, in the order they are registered and listed: the one place that names
   * them. Adding one is its package (with its {@link ProviderDescriptor}) and an entry here.
   */
  public static final List<ProviderDescriptor> BUILT_IN = List.of(OpenAiProvider.DESCRIPTOR,
      AnthropicProvider.DESCRIPTOR, GeminiProvider.DESCRIPTOR, DeepSeekProvider.DESCRIPTOR);

  private Providers() {}

  /**
   * A registry holding every remote provider {@code env} and {@code settings} enable, each wrapped with
   * its retry policy; the caller may register more ({@code local}) on it. Fails with
   * {@link IllegalArgumentException} naming the setting when the settings contradict themselves or
   * name a provider there is none of.
   */
  public static ProviderRegistry fromEnvironment(Vertx vertx, Map<String, String> env, ProvidersSettings settings) {
    checkSectionKeys(settings);
    Set<String> known = knownNames(settings);
    ProviderRegistry registry = new ProviderRegistry();
    HttpUpstream http = HttpUpstream.create(vertx, settings.maxConnectionsPerHost(), settings.http2());
    for (ProviderDescriptor builtIn : BUILT_IN) {
      ProviderSettings own = settingsOf(builtIn, settings);
      checkFallback(builtIn.name(), own.fallback(), known);
      addBuiltIn(registry, vertx, http, env, builtIn, own);
    }
    for (CompatibleProviderSettings compatible : settings.compatible()) {
      checkFallback(compatible.name(), compatible.fallback(), known);
      addCompatible(registry, vertx, http, env, compatible);
    }
    return registry;
  }

  /** Each provider's section of {@code providers:} sits under a built-in's name or alias. */
  private static void checkSectionKeys(ProvidersSettings settings) {
    Set<String> keys = new TreeSet<>(ProvidersSettings.SHARED_KEYS);
    BUILT_IN.forEach(builtIn -> keys.addAll(builtIn.settingsKeys()));
    for (String key : settings.named().keySet()) {
      if (!keys.contains(key)) {
        throw new IllegalArgumentException("providers." + key + ": unknown key (" + Names.suggest(key, keys) + ")");
      }
    }
  }

  /** The section of {@code builtIn}, under its name or one alias; defaults when there is none. */
  private static ProviderSettings settingsOf(ProviderDescriptor builtIn, ProvidersSettings settings) {
    List<String> given = builtIn.settingsKeys().stream().filter(settings.named()::containsKey).toList();
    if (given.size() > 1) {
      throw new IllegalArgumentException("providers." + given.get(1) + ": the same provider as providers."
          + given.get(0) + " (expected: its settings under one of " + String.join(", ", given) + ")");
    }
    return settings.of(given.isEmpty() ? builtIn.name() : given.get(0));
  }

  private static Set<String> knownNames(ProvidersSettings settings) {
    Set<String> known = new HashSet<>(List.of(LocalProvider.NAME));
    BUILT_IN.forEach(builtIn -> known.addAll(builtIn.settingsKeys()));
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

  private static void addBuiltIn(ProviderRegistry registry, Vertx vertx, HttpUpstream http, Map<String, String> env,
      ProviderDescriptor builtIn, ProviderSettings settings) {
    registry.defaultFallback(builtIn.name(), settings.fallback());
    Optional<ApiKeyFile> keyFile = keyFile(vertx, env, builtIn, settings);
    Optional<String> key = keyFile.map(ApiKeyFile::key).or(() -> value(env, builtIn.keyVariable()));
    if (key.isEmpty()) {
      builtIn.settingsKeys().forEach(name -> registry.unconfigured(name, "set " + builtIn.keyVariable()));
      LOG.info("{}: off (set {} to enable it)", builtIn.name(), builtIn.keyVariable());
      return;
    }
    String baseUrl = value(env, builtIn.baseUrlVariable()).or(settings::baseUrl).orElse(builtIn.defaultBaseUrl());
    String model = settings.defaultModel().orElse(builtIn.defaultModel());
    List<String> models = settings.models().isEmpty() ? builtIn.models() : settings.models();
    ProviderEndpoint endpoint = new ProviderEndpoint(builtIn.name(), baseUrl, key, model, models, settings.timeouts());
    ChatProvider provider = builtIn.factory().create(http, endpoint, keyFile.<RequestHook>map(file -> file).orElse(RequestHook.NONE));
    registry.register(new RetryingProvider(provider, settings.retry()), builtIn.aliases().toArray(String[]::new));
    LOG.info("{}: on ({})", builtIn.name(), endpoint);
  }

  /** Its {@code api-key-file}, read now, if it has one; refused next to its key variable. */
  private static Optional<ApiKeyFile> keyFile(Vertx vertx, Map<String, String> env, ProviderDescriptor builtIn,
      ProviderSettings settings) {
    String setting = "providers." + builtIn.name() + ".api-key-file";
    if (settings.apiKeyFile().isPresent() && value(env, builtIn.keyVariable()).isPresent()) {
      throw new IllegalArgumentException(setting + ": given while " + builtIn.keyVariable()
          + " is set too (expected: one of them, where the key is)");
    }
    return settings.apiKeyFile().map(file -> ApiKeyFile.read(vertx, builtIn.name(), setting, file));
  }

  private static void addCompatible(ProviderRegistry registry, Vertx vertx, HttpUpstream http,
      Map<String, String> env, CompatibleProviderSettings settings) {
    registry.defaultFallback(settings.name(), settings.fallback());
    if (settings.apiKeyFile().isPresent()) {
      ApiKeyFile keyFile = ApiKeyFile.read(vertx, settings.name(),
          "providers.compatible." + settings.name() + ".api-key-file", settings.apiKeyFile().get());
      register(registry, CompatibleProvider.create(http, settings, keyFile), settings);
      return;
    }
    Optional<String> key = settings.apiKeyEnv().flatMap(name -> value(env, name));
    if (settings.apiKeyEnv().isPresent() && key.isEmpty()) {
      registry.unconfigured(settings.name(), "set " + settings.apiKeyEnv().get());
      LOG.info("{}: off (set {} to enable it)", settings.name(), settings.apiKeyEnv().get());
      return;
    }
    register(registry, CompatibleProvider.create(http, settings, key), settings);
  }

  private static void register(ProviderRegistry registry, ChatProvider provider, CompatibleProviderSettings settings) {
    registry.register(new RetryingProvider(provider, settings.retry()));
    LOG.info("{}: on (OpenAI-compatible at {}, default model {})", settings.name(), settings.baseUrl(),
        settings.defaultModel());
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
