package io.llmgate.transport.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.ProviderRegistry;
import io.llmgate.provider.ProviderStream;
import io.llmgate.session.ProviderCatalog;
import io.llmgate.stream.ChatRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
  private static ChatProvider provider(String name, String... models) {
    return new ChatProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String defaultModel() {
        return models[0];
      }

      @Override
      public List<String> models() {
        return List.of(models);
      }

      @Override
      public ProviderStream open(ChatRequest request) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private final ModelCatalog catalog = new ModelCatalog(ProviderCatalog.of(new ProviderRegistry()
      .register(provider("claude", "claude-sonnet-4-5", "claude-haiku-4-5"))
      .register(provider("openrouter", "anthropic/claude-3.5", "meta/llama-3"))
      .register(provider("local", "stories15M"))), "local");

  @Test
  void providerSlashModel() {
    assertThat(catalog.resolve("claude/claude-haiku-4-5"))
        .isEqualTo(new ModelCatalog.Target("claude", Optional.of("claude-haiku-4-5")));
    assertThat(catalog.resolve("openrouter/meta/llama-3"))
        .isEqualTo(new ModelCatalog.Target("openrouter", Optional.of("meta/llama-3")));
  }

  @Test
  void bareProviderNameMeansItsDefaultModel() {
    assertThat(catalog.resolve("local")).isEqualTo(new ModelCatalog.Target("local", Optional.empty()));
  }

  @Test
  void bareModelNameFindsTheProviderThatListsIt() {
    assertThat(catalog.resolve("claude-sonnet-4-5"))
        .isEqualTo(new ModelCatalog.Target("claude", Optional.of("claude-sonnet-4-5")));
    assertThat(catalog.resolve("anthropic/claude-3.5"))
        .isEqualTo(new ModelCatalog.Target("openrouter", Optional.of("anthropic/claude-3.5")));
  }

  @Test
  void unknownNamesAreLeftForTheStreamServiceToRefuse() {
    assertThat(catalog.resolve("gpt-4o")).isEqualTo(new ModelCatalog.Target("gpt-4o", Optional.empty()));
    assertThat(catalog.resolve("openai/gpt-4o")).isEqualTo(new ModelCatalog.Target("openai", Optional.of("gpt-4o")));
  }

  @Test
  void listsEachProviderThenItsModels() {
    assertThat(catalog.list().getJsonArray("data").stream().map(m -> ((io.vertx.core.json.JsonObject) m).getString("id")))
        .containsExactly("claude", "claude/claude-sonnet-4-5", "claude/claude-haiku-4-5", "openrouter",
            "openrouter/anthropic/claude-3.5", "openrouter/meta/llama-3", "local", "local/stories15M");
  }
}
