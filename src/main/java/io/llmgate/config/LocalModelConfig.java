package io.llmgate.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The embedded {@code local} provider. Without paths it runs the bundled demo model; with both it runs
 * any llama2.c checkpoint and tokenizer. {@code tokenDelay} paces tokens so a person sees them arrive;
 * temperature 0 is greedy and deterministic.
 */
public record LocalModelConfig(
    Optional<String> checkpoint,
    Optional<String> tokenizer,
    Duration tokenDelay,
    int maxTokens,
    double temperature,
    double topP) {
  public static final LocalModelConfig DEFAULT =
      new LocalModelConfig(Optional.empty(), Optional.empty(), Duration.ofMillis(20), 200, 0.8, 0.9);

  public LocalModelConfig {
    Checks.notNegative("local.token-delay", tokenDelay);
    Checks.positive("local.max-tokens", maxTokens);
    if (!(temperature >= 0 && temperature <= 2)) { // a request's temperature has the same range
      throw new ConfigException("local.temperature: " + temperature + " (expected: a number from 0 to 2)");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new ConfigException("local.top-p: " + topP + " (expected: a number > 0 and <= 1)");
    }
    if (checkpoint.isPresent() != tokenizer.isPresent()) {
      throw new ConfigException("local.checkpoint and local.tokenizer: only one is set (expected: both or neither)");
    }
  }
}
