package io.llmgate.config;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;

/**
 * The HTTP ways in (OpenAI-compatible API, Server-Sent Events). {@code defaultModel} is what
 * {@code /v1/chat/completions} uses when a request names no {@code model}: {@code provider/model} or a
 * bare provider name. {@code heartbeat} is how long an event stream may stay silent before a comment line
 * is sent, so proxies and load balancers keep an idle stream open; zero turns heartbeats off.
 * {@code bodyTimeout} is how long a request's body may take to arrive, from the request's headers;
 * {@code headerTimeout} how long the headers of any HTTP/1.x request (Socket.IO's and upgrades' too) may take,
 * from the connection's start or the previous response's end.
 */
@RecordBuilder
public record ApiConfig(String defaultModel, Duration heartbeat, Duration bodyTimeout, Duration headerTimeout)
    implements ApiConfigBuilder.With {
  public static final ApiConfig DEFAULT = new ApiConfig("local", Duration.ofSeconds(15), Duration.ofSeconds(10),
      Duration.ofSeconds(10));

  public ApiConfig {
    if (defaultModel == null || defaultModel.isBlank()) {
      throw new ConfigException("api.default-model: \"" + defaultModel + "\" (expected: provider or provider/model)");
    }
    Checks.notNegative("api.heartbeat", heartbeat);
    Settings.positive("api.body-timeout", bodyTimeout);
    Settings.positive("api.header-timeout", headerTimeout);
  }
}
