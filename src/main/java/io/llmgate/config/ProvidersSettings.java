package io.llmgate.config;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the {@code providers:} section of the configuration says (keys in docs/providers.md). API
 * keys are not here: they come only from the environment. {@code named} holds each section given under a
 * provider's own key ({@code openai}, {@code claude} or its alias {@code anthropic} …), keyed as written;
 * a provider missing from it runs on defaults. Which keys name a provider is not known here: the
 * provider descriptors say (provider/Providers checks every key against them), so that the built-in
 * providers are named in one place. {@code http2} puts every provider's streams on HTTP/2 (off: HTTP/1.1).
 */
public record ProvidersSettings(Map<String, ProviderSettings> named, List<CompatibleProviderSettings> compatible,
    UpstreamTimeouts timeouts, RetrySettings retry, int maxConnectionsPerHost, boolean http2) {

  /** Per provider host and event loop: streams are long, and one waiting for a connection is stalled. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 10_000;
  public static final ProvidersSettings DEFAULT = new ProvidersSettings(Map.of(), List.of(), UpstreamTimeouts.DEFAULT,
      RetrySettings.DEFAULT, DEFAULT_MAX_CONNECTIONS_PER_HOST, false);

  /** The keys of the section that are no provider's: every other key is one provider's settings. */
  public static final Set<String> SHARED_KEYS = Set.of("compatible", "timeouts", "retry", "max-connections-per-host",
      "http2");
  private static final Set<String> TIMEOUT_KEYS = Set.of("connect", "first-token", "idle");
  private static final Set<String> RETRY_KEYS = Set.of("max-attempts", "initial-backoff", "max-backoff", "max-retry-after");

  public ProvidersSettings {
    named = Map.copyOf(named);
    compatible = List.copyOf(compatible);
    if (maxConnectionsPerHost < 1) {
      throw new ConfigException(
          "providers.max-connections-per-host: " + maxConnectionsPerHost + " (expected: >= 1)");
    }
  }

  /** The settings under provider key {@code key}, defaults when the section has none. */
  public ProviderSettings of(String key) {
    return named.getOrDefault(key, ProviderSettings.defaults(timeouts, retry));
  }

  /**
   * Reads the raw {@code providers:} section (YAML mapped to JSON); fails with
   * {@link IllegalArgumentException} naming the key on a bad value. Top-level {@code timeouts} and
   * {@code retry} are the defaults of every provider; each provider may override them.
   */
  public static ProvidersSettings fromJson(JsonObject section) {
    return read(new Settings(section, "providers"));
  }

  static ProvidersSettings read(Settings in) {
    UpstreamTimeouts timeouts = timeouts(in, UpstreamTimeouts.DEFAULT);
    RetrySettings retry = retry(in, RetrySettings.DEFAULT);
    Map<String, ProviderSettings> named = new LinkedHashMap<>();
    for (String key : in.keys()) {
      if (!SHARED_KEYS.contains(key)) {
        refuseNearMiss(in, key);
        named.put(key, ProviderSettings.read(in.object(key, ProviderSettings.KEYS), timeouts, retry));
      }
    }
    List<CompatibleProviderSettings> compatible = in.objects("compatible", CompatibleProviderSettings.KEYS).stream()
        .map(item -> CompatibleProviderSettings.read(item, timeouts, retry)).toList();
    return new ProvidersSettings(named, compatible, timeouts, retry,
        in.integer("max-connections-per-host", DEFAULT_MAX_CONNECTIONS_PER_HOST), in.bool("http2", false));
  }

  /**
   * A key a typo or two from a shared one ({@code timeout:}) is that key misspelt, not a provider: said
   * here, before its content is read as a provider's and refused with a message about the wrong thing.
   */
  private static void refuseNearMiss(Settings in, String key) {
    Names.closest(key, SHARED_KEYS).ifPresent(meant -> {
      throw new ConfigException(in.key(key) + ": unknown key (did you mean " + meant + "?)");
    });
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
