package io.llmgate.provider;

import io.llmgate.provider.http.HttpUpstream;
import io.llmgate.provider.http.ProviderEndpoint;
import io.llmgate.provider.http.RequestHook;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Everything the gateway knows of one built-in remote provider before it has its key: the name clients
 * send and its aliases (each also a key of its {@code providers:} settings), the environment variables of
 * its key and base URL, its defaults, and the factory that makes it once configured. Each provider's
 * package declares its own; {@link Providers#BUILT_IN} lists them, and is the one place that names them.
 *
 * @param models what {@code GET /v1/models} lists when the settings name none (the default model first)
 */
public record ProviderDescriptor(String name, List<String> aliases, String keyVariable, String baseUrlVariable,
    String defaultBaseUrl, String defaultModel, List<String> models, Factory factory) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]*");

  /**
   * Makes the provider reached at {@code endpoint} (its base URL, key, models, timeouts) over {@code http},
   * its requests prepared by {@code hook}: {@link RequestHook#NONE}, or its {@code api-key-file}'s.
   */
  @FunctionalInterface
  public interface Factory {
    ChatProvider create(HttpUpstream http, ProviderEndpoint endpoint, RequestHook hook);
  }

  public ProviderDescriptor {
    aliases = List.copyOf(aliases);
    Stream.concat(Stream.of(name), aliases.stream()).forEach(each -> check(each, NAME, "a lower-case name"));
    check(keyVariable, VARIABLE, "an environment variable name");
    check(baseUrlVariable, VARIABLE, "an environment variable name");
    Objects.requireNonNull(defaultBaseUrl, "defaultBaseUrl");
    Objects.requireNonNull(defaultModel, "defaultModel");
    models = List.copyOf(models);
    Objects.requireNonNull(factory, "factory");
  }

  /** The names clients may send for it, which are also the keys its settings may sit under. */
  public List<String> settingsKeys() {
    return Stream.concat(Stream.of(name), aliases.stream()).toList();
  }

  private static void check(String value, Pattern pattern, String expected) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException("provider descriptor: \"" + value + "\" (expected: " + expected + ")");
    }
  }
}
