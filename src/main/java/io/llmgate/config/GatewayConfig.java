package io.llmgate.config;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything llmgate is configured with, read once at start ({@link ConfigLoader}) and immutable after.
 * Secrets come only from the environment; {@code env} is kept for the provider API keys that
 * {@code providers} names. Tests derive variants with the generated {@code withX(...)} copies.
 */
@RecordBuilder
public record GatewayConfig(
    String host,
    int port,
    Optional<String> jwtSecret,
    Optional<String> apiKey,
    Limits limits,
    Duration drainTimeout,
    LocalModelConfig local,
    SocketIoConfig socketIo,
    ApiConfig api,
    ResumeConfig resume,
    ClusterConfig cluster,
    SecurityConfig security,
    AuthConfig auth,
    WarmupConfig warmup,
    ProvidersSettings providers,
    Map<String, String> env) implements GatewayConfigBuilder.With {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 3000;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  public GatewayConfig {
    Checks.port("port", port);
    Checks.notNegative("server.drain-timeout", drainTimeout);
    jwtSecret.ifPresent(secret -> Checks.jwtSecret("LLMGATE_JWT_SECRET", secret));
    apiKey.ifPresent(key -> refuseListed(key, auth));
    Objects.requireNonNull(providers, "providers");
    env = Map.copyOf(env);
  }

  /** One key, one user: the environment's key must not be one auth.api-keys gives to another. */
  private static void refuseListed(String key, AuthConfig auth) {
    String hash = ApiKey.sha256Of(key);
    if (auth.apiKeys().stream().anyMatch(listed -> listed.sha256().equals(hash))) {
      throw new ConfigException("LLMGATE_API_KEY: the same key as an entry of auth.api-keys (expected: one user per key)");
    }
  }

  /** Defaults with the given port, without the self-warm-up: what tests start (port 0 picks a free one). */
  public static GatewayConfig defaults(int port) {
    return new GatewayConfig("127.0.0.1", port, Optional.empty(), Optional.empty(), Limits.DEFAULT,
        DEFAULT_DRAIN_TIMEOUT, LocalModelConfig.DEFAULT, SocketIoConfig.DEFAULT, ApiConfig.DEFAULT,
        ResumeConfig.DEFAULT, ClusterConfig.STANDALONE, SecurityConfig.DEFAULT, AuthConfig.DEFAULT,
        WarmupConfig.OFF, ProvidersSettings.DEFAULT, Map.of());
  }
}
