package io.llmgate.config;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the {@code providers:} section of the configuration says (keys in docs/providers.md). API
 * keys are not here: they come only from the environment. {@code builtIn} is keyed by provider name
 * ({@code openai}, {@code claude}, {@code gemini}, {@code deepseek}); a provider missing from it runs on
 * defaults.
 */
public record ProvidersSettings(Map<String, ProviderSettings> builtIn, List<CompatibleProviderSettings> compatible,
    UpstreamTimeouts timeouts, RetrySettings retry, int maxConnectionsPerHost) {

  /** Per provider host and event loop: streams are long, and one waiting for a connection is stalled. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 10_000;
  public static final List<String> BUILT_IN = List.of("openai", "claude", "gemini", "deepseek");
  public static final ProvidersSettings DEFAULT = new ProvidersSettings(Map.of(), List.of(), UpstreamTimeouts.DEFAULT,
      RetrySettings.DEFAULT, DEFAULT_MAX_CONNECTIONS_PER_HOST);

  static final Set<String> TOP_KEYS =
      Set.of("openai", "claude", "anthropic", "gemini", "deepseek", "compatible", "timeouts", "retry",
          "max-connections-per-host");
  private static final Set<String> TIMEOUT_KEYS = Set.of("connect", "first-token", "idle");
  private static final Set<String> RETRY_KEYS = Set.of("max-attempts", "initial-backoff", "max-backoff", "max-retry-after");

  public ProvidersSettings {
    builtIn = Map.copyOf(builtIn);
    compatible = List.copyOf(compatible);
    if (maxConnectionsPerHost < 1) {
      throw new ConfigException(
          "providers.max-connections-per-host: " + maxConnectionsPerHost + " (expected: >= 1)");
    }
  }

  /** The settings of built-in provider {@code name}, defaults when the section names none. */
  public ProviderSettings of(String name) {
    return builtIn.getOrDefault(name, ProviderSettings.defaults(timeouts, retry));
  }

  /**
   * Reads the raw {@code providers:} section (YAML mapped to JSON); fails with
   * {@link IllegalArgumentException} naming the key on a bad value. Top-level {@code timeouts} and
   * {@code retry} are the defaults of every provider; each provider may override them.
   */
  public static ProvidersSettings fromJson(JsonObject section) {
    return read(new Settings(section, "providers", TOP_KEYS));
  }

  static ProvidersSettings read(Settings in) {
    UpstreamTimeouts timeouts = timeouts(in, UpstreamTimeouts.DEFAULT);
    RetrySettings retry = retry(in, RetrySettings.DEFAULT);
    Map<String, ProviderSettings> builtIn = new LinkedHashMap<>();
    for (String name : BUILT_IN) {
      String key = "claude".equals(name) && !in.has("claude") ? "anthropic" : name;
      if (in.has(key)) {
        builtIn.put(name, ProviderSettings.read(in.object(key, ProviderSettings.KEYS), timeouts, retry));
      }
    }
    List<CompatibleProviderSettings> compatible = in.objects("compatible", CompatibleProviderSettings.KEYS).stream()
        .map(item -> CompatibleProviderSettings.read(item, timeouts, retry)).toList();
    return new ProvidersSettings(builtIn, compatible, timeouts, retry,
        in.integer("max-connections-per-host", DEFAULT_MAX_CONNECTIONS_PER_HOST));
  }

  static UpstreamTimeouts timeouts(Settings parent, UpstreamTimeouts defaults) {
    Settings in = parent.object("timeouts", TIMEOUT_KEYS);
    return new UpstreamTimeouts(in.duration("connect", defaults.connect()),
        in.duration("first-token", defaults.firstToken()), in.duration("idle", defaults.idle()));
  }

  static RetrySettings retry(Settings parent, RetrySettings defaults) {
    Settings in = parent.object("retry", RETRY_KEYS);
    return new RetrySettings(in.integer("max-attempts", defaults.maxAttempts()),
        in.duration("initial-backoff", defaults.initialBackoff()), in.duration("max-backoff", defaults.maxBackoff()),
        in.duration("max-retry-after", defaults.maxRetryAfter()));
  }
}
