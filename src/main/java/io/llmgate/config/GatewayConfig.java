package io.llmgate.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything llmgate is configured with, read once at start ({@link ConfigLoader}) and immutable after.
 * Secrets come only from the environment. {@code providers} is the raw {@code providers:} section, which
 * the provider factory maps onto its own records; {@code env} is kept for the API keys it names.
 */
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
    JsonObject providers,
    Map<String, String> env) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 3000;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  public GatewayConfig {
    Checks.port("LLMGATE_PORT", port);
    Checks.notNegative("server.drain-timeout", drainTimeout);
    jwtSecret.ifPresent(secret -> Checks.jwtSecret("LLMGATE_JWT_SECRET", secret));
    providers = providers.copy();
    env = Map.copyOf(env);
  }

  /** Defaults with the given port: what tests start (port 0 picks a free one). */
  public static GatewayConfig defaults(int port) {
    return new GatewayConfig("127.0.0.1", port, Optional.empty(), Optional.empty(), Limits.DEFAULT,
        DEFAULT_DRAIN_TIMEOUT, LocalModelConfig.DEFAULT, SocketIoConfig.DEFAULT, ApiConfig.DEFAULT,
        ResumeConfig.DEFAULT, ClusterConfig.STANDALONE, new JsonObject(), Map.of());
  }

  public GatewayConfig withJwtSecret(String secret) {
    return new GatewayConfig(host, port, Optional.of(secret), apiKey, limits, drainTimeout, local, socketIo, api,
        resume, cluster, providers, env);
  }

  public GatewayConfig withApiKey(String key) {
    return new GatewayConfig(host, port, jwtSecret, Optional.of(key), limits, drainTimeout, local, socketIo, api,
        resume, cluster, providers, env);
  }

  public GatewayConfig withLimits(Limits other) {
    return new GatewayConfig(host, port, jwtSecret, apiKey, other, drainTimeout, local, socketIo, api, resume, cluster, providers, env);
  }

  public GatewayConfig withLocal(LocalModelConfig other) {
    return new GatewayConfig(host, port, jwtSecret, apiKey, limits, drainTimeout, other, socketIo, api, resume, cluster, providers, env);
  }

  public GatewayConfig withDrainTimeout(Duration other) {
    return new GatewayConfig(host, port, jwtSecret, apiKey, limits, other, local, socketIo, api, resume, cluster, providers, env);
  }

  public GatewayConfig withEnv(Map<String, String> other) {
    return new GatewayConfig(host, port, jwtSecret, apiKey, limits, drainTimeout, local, socketIo, api, resume, cluster, providers, other);
  }

  public GatewayConfig withApi(ApiConfig other) {
    return new GatewayConfig(host, port, jwtSecret, apiKey, limits, drainTimeout, local, socketIo, other, resume, cluster, providers, env);
  }

  public GatewayConfig withResume(ResumeConfig other) {
    return new GatewayConfig(host, port, jwtSecret, apiKey, limits, drainTimeout, local, socketIo, api, other, cluster,
        providers, env);
  }

  public GatewayConfig withCluster(ClusterConfig other) {
    return new GatewayConfig(host, port, jwtSecret, apiKey, limits, drainTimeout, local, socketIo, api, resume, other,
        providers, env);
  }

  public GatewayConfig withProviders(JsonObject other) {
    return new GatewayConfig(host, port, jwtSecret, apiKey, limits, drainTimeout, local, socketIo, api, resume, cluster, other, env);
  }
}
