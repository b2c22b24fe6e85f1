package io.llmgate.transport.openai;

import io.llmgate.session.ProviderCatalog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * OpenAI's {@code model} field in llmgate terms: {@code provider/model} ({@code claude/claude-sonnet-4-5}),
 * a bare provider name ({@code local}: its default model), or a bare model that one provider lists. What
 * resolves to no provider is left for the stream service to refuse with its list of providers.
 */
final class ModelCatalog {
  record Target(String provider, Optional<String> model) {}

  private final ProviderCatalog providers;
  private final String defaultModel;

  ModelCatalog(ProviderCatalog providers, String defaultModel) {
    this.providers = providers;
    this.defaultModel = defaultModel;
  }

  String defaultModel() {
    return defaultModel;
  }

  Target resolve(String requested) {
    int slash = requested.indexOf('/');
    if (slash > 0 && providers.offers(requested.substring(0, slash))) {
      String model = requested.substring(slash + 1);
      return new Target(requested.substring(0, slash), model.isEmpty() ? Optional.empty() : Optional.of(model));
    }
    if (providers.offers(requested)) {
      return new Target(requested, Optional.empty());
    }
    return providers.listings().stream().filter(p -> p.models().contains(requested)).findFirst()
        .map(p -> new Target(p.provider(), Optional.of(requested)))
        .orElseGet(() -> slash > 0
            ? new Target(requested.substring(0, slash), Optional.of(requested.substring(slash + 1)))
            : new Target(requested, Optional.empty()));
  }

  /** {@code GET /v1/models}: each provider by its bare name, then each of its models as provider/model. */
  JsonObject list() {
    JsonArray data = new JsonArray();
    for (ProviderCatalog.Listing provider : providers.listings()) {
      data.add(entry(provider.provider(), provider.provider()));
      provider.models().forEach(model -> data.add(entry(provider.provider() + "/" + model, provider.provider())
          .put("model", model)));
    }
    return new JsonObject().put("object", "list").put("data", data);
  }

  private static JsonObject entry(String id, String provider) {
    return new JsonObject().put("id", id).put("object", "model").put("created", 0)
        .put("owned_by", provider).put("provider", provider);
  }
}
