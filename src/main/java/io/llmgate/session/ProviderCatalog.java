package io.llmgate.session;

import io.llmgate.provider.ProviderRegistry;
import java.util.List;

/**
 * What a transport may know of the providers, without seeing the provider SPI: whether a name (or an
 * alias such as {@code anthropic}) is offered, and which models each provider lists.
 */
public interface ProviderCatalog {
  /** One provider by its own name, with the models it lists ({@code GET /v1/models}). */
  record Listing(String provider, List<String> models) {
    public Listing {
      models = List.copyOf(models);
    }
  }

  boolean offers(String name);

  /** In the order the providers were registered. */
  List<Listing> listings();

  static ProviderCatalog of(ProviderRegistry registry) {
    return new ProviderCatalog() {
      @Override
      public boolean offers(String name) {
        return registry.find(name).isPresent();
      }

      @Override
      public List<Listing> listings() {
        return registry.all().stream().map(p -> new Listing(p.name(), p.models())).toList();
      }
    };
  }
}
