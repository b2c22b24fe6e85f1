package io.llmgate.provider;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The providers this process offers, by the names clients send. A provider that is known but not
 * configured (no API key) is listed with the setting it lacks, so asking for it gives a helpful error.
 */
public final class ProviderRegistry {
  private final Map<String, ChatProvider> providers = new LinkedHashMap<>();
  private final Map<String, String> aliases = new LinkedHashMap<>();
  private final Map<String, String> unconfigured = new LinkedHashMap<>();

  public ProviderRegistry register(ChatProvider provider, String... aliasNames) {
    providers.put(provider.name(), provider);
    for (String alias : aliasNames) {
      aliases.put(alias, provider.name());
    }
    return this;
  }

  /** Records that {@code name} exists but is off, and what turns it on (e.g. "set OPENAI_API_KEY"). */
  public ProviderRegistry unconfigured(String name, String howToEnable) {
    unconfigured.put(name, howToEnable);
    return this;
  }

  public Optional<ChatProvider> find(String name) {
    return Optional.ofNullable(providers.get(aliases.getOrDefault(name, name)));
  }

  /** The provider for {@code name}, or an {@code unknown_provider} failure that says what to do. */
  public ChatProvider require(String name) {
    return find(name).orElseThrow(() -> new GatewayException(ErrorCode.UNKNOWN_PROVIDER, unknownMessage(name)));
  }

  private String unknownMessage(String name) {
    String hint = unconfigured.get(aliases.getOrDefault(name, name));
    if (hint != null) {
      return "provider: \"" + name + "\" is not configured (" + hint + ")";
    }
    return "provider: \"" + name + "\" (expected one of: " + String.join(", ", providers.keySet()) + ")";
  }

  public Collection<ChatProvider> all() {
    return providers.values();
  }
}
