package io.llmgate.provider;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.resilience.FallbackProvider;
import io.llmgate.stream.ChatRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers this process offers, by the names clients send. A provider that is known but not
 * configured (no API key) is listed with the setting it lacks, so asking for it gives a helpful error.
 */
public final class ProviderRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  private final Map<String, ChatProvider> providers = new LinkedHashMap<>();
  private final Map<String, String> aliases = new LinkedHashMap<>();
  private final Map<String, String> unconfigured = new LinkedHashMap<>();
  private final Map<String, List<String>> defaultFallbacks = new LinkedHashMap<>();

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

  /** The providers tried after {@code name} when a request names no {@code fallback} of its own. */
  public ProviderRegistry defaultFallback(String name, List<String> fallback) {
    defaultFallbacks.put(name, List.copyOf(fallback));
    return this;
  }

  /**
   * The providers to try, in order, when {@code request}'s provider fails before its first token: the
   * request's own {@code fallback} (each must be offered, or {@code unknown_provider}), or else the
   * configured default of its provider, minus any that are not configured on this node.
   */
  public List<ChatProvider> fallbacksFor(ChatRequest request) {
    if (!request.fallback().isEmpty()) {
      return request.fallback().stream().map(this::require).toList();
    }
    String name = aliases.getOrDefault(request.provider(), request.provider());
    return defaultFallbacks.getOrDefault(name, List.of()).stream()
        .map(this::find).flatMap(Optional::stream).toList();
  }

  /**
   * The provider that serves {@code request}: the one it names, followed by its fallbacks (the request's
   * own, or the configured default), or just the one when there are none. Fails with
   * {@code unknown_provider} when the request names a provider that is not offered, and with
   * {@code invalid_request} when it asks for what that provider cannot take (images, tools, an output format); a
   * fallback that cannot take it is left out of the chain, and the log says why.
   */
  public ChatProvider resolve(ChatRequest request) {
    List<ChatProvider> chain = new ArrayList<>();
    ChatProvider named = require(request.provider());
    named.capabilities().refusal(named.name(), request).ifPresent(refusal -> {
      throw new GatewayException(ErrorCode.INVALID_REQUEST, refusal);
    });
    chain.add(named);
    for (ChatProvider next : fallbacksFor(request)) {
      Optional<String> refusal = next.capabilities().refusal(next.name(), request);
      if (refusal.isPresent()) {
        LOG.info("{}: skipped as a fallback for stream {}: {}", next.name(), request.sessionId(), refusal.get());
      } else if (chain.stream().noneMatch(p -> p.name().equals(next.name()))) {
        chain.add(next);
      }
    }
    return chain.size() == 1 ? chain.get(0) : new FallbackProvider(chain);
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

  /** Closes every provider registered here (their HTTP clients); for the gateway's shutdown. */
  public Future<Void> close() {
    return Future.join(providers.values().stream().map(ChatProvider::close).toList()).mapEmpty();
  }
}
