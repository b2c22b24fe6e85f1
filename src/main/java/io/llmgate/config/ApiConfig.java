package io.llmgate.config;

import java.time.Duration;

/**
 * The HTTP ways in (OpenAI-compatible API, Server-Sent Events). {@code defaultModel} is what
 * {@code /v1/chat/completions} uses when a request names no {@code model}: {@code provider/model} or a
 * bare provider name. {@code heartbeat} is how long an event stream may stay silent before a comment line
 * is sent, so proxies and load balancers keep an idle stream open; zero turns heartbeats off.
 */
public record ApiConfig(String defaultModel, Duration heartbeat) {
  public static final ApiConfig DEFAULT = new ApiConfig("local", Duration.ofSeconds(15));

  public ApiConfig {
    if (defaultModel == null || defaultModel.isBlank()) {
      throw new ConfigException("api.default-model: \"" + defaultModel + "\" (expected: provider or provider/model)");
    }
    Checks.notNegative("api.heartbeat", heartbeat);
  }

  public ApiConfig withDefaultModel(String model) {
    return new ApiConfig(model, heartbeat);
  }

  public ApiConfig withHeartbeat(Duration interval) {
    return new ApiConfig(defaultModel, interval);
  }
}
