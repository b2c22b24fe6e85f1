package io.llmgate.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.config.ProviderSettings;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProvidersTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static ProviderRegistry registry(Map<String, String> env, String yamlAsJson) {
    return Providers.fromEnvironment(vertx, env, ProvidersSettings.fromJson(new JsonObject(yamlAsJson)));
  }

  private static ChatRequest request(String provider, List<String> fallback) {
    return new ChatRequest("s", provider, List.of(new ChatMessage(Role.USER, "hi")), Optional.empty(),
        Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), fallback, Map.of());
  }

  @Test
  void offersEachProviderWhoseKeyIsSet() {
    ProviderRegistry registry = registry(Map.of("OPENAI_API_KEY", "sk-1", "ANTHROPIC_API_KEY", "a-1"), "{}");
    assertThat(registry.all()).extracting(ChatProvider::name).containsExactly("openai", "claude");
    assertThat(registry.require("anthropic").name()).as("alias").isEqualTo("claude");
    assertThat(registry.require("openai").defaultModel()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void aProviderWithoutItsKeySaysWhichSettingIsMissing() {
    ProviderRegistry registry = registry(Map.of("DEEPSEEK_API_KEY", " "), "{}");
    assertThatThrownBy(() -> registry.require("gemini"))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_PROVIDER))
        .hasMessage("provider: \"gemini\" is not configured (set GEMINI_API_KEY)");
    assertThatThrownBy(() -> registry.require("anthropic")).hasMessageContaining("set ANTHROPIC_API_KEY");
    assertThatThrownBy(() -> registry.require("deepseek")).as("a blank key is no key")
        .hasMessageContaining("set DEEPSEEK_API_KEY");
  }

  @Test
  void readsModelsFallbackTimeoutsAndRetriesFromTheSection() {
    ProvidersSettings settings = ProvidersSettings.fromJson(new JsonObject("""
        {"timeouts": {"connect": "2s", "idle": "90s"},
         "retry": {"max-attempts": 5},
         "openai": {"default-model": "gpt-4.1", "models": ["gpt-4.1", "o3"], "fallback": ["claude", "local"],
                    "timeouts": {"first-token": "20m"}},
         "anthropic": {"retry": {"initial-backoff": "250ms"}},
         "compatible": [{"name": "ollama", "base-url": "http://localhost:11434/v1", "default-model": "llama3.2"}]}
        """));
    ProviderSettings openai = settings.of("openai");
    assertThat(openai.defaultModel()).contains("gpt-4.1");
    assertThat(openai.fallback()).containsExactly("claude", "local");
    assertThat(openai.timeouts()).isEqualTo(new UpstreamTimeouts(Duration.ofSeconds(2), Duration.ofMinutes(20),
        Duration.ofSeconds(90)));
    assertThat(openai.retry().maxAttempts()).isEqualTo(5);
    assertThat(settings.of("anthropic").retry().initialBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.of("gemini").timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.compatible().get(0).apiKeyEnv()).isEmpty();
    assertThat(settings.compatible().get(0).timeouts().idle()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void configuredCompatibleProvidersAreOfferedAndKeyedOnesNeedTheirKey() {
    ProviderRegistry registry = registry(Map.of("OPENAI_API_KEY", "sk-1"), """
        {"compatible": [
          {"name": "ollama", "base-url": "http://localhost:11434/v1", "default-model": "llama3.2"},
          {"name": "openrouter", "base-url": "https://openrouter.ai/api/v1", "api-key-env": "OPENROUTER_API_KEY",
           "default-model": "meta-llama/llama-3.1-8b-instruct"}],
         "openai": {"fallback": ["ollama", "claude"]}}
        """);
    assertThat(registry.require("ollama").models()).containsExactly("llama3.2");
    assertThatThrownBy(() -> registry.require("openrouter")).hasMessageContaining("set OPENROUTER_API_KEY");
    assertThat(registry.fallbacksFor(request("openai", List.of()))).as("unconfigured defaults are skipped")
        .extracting(ChatProvider::name).containsExactly("ollama");
    assertThat(registry.fallbacksFor(request("openai", List.of("openai")))).extracting(ChatProvider::name)
        .containsExactly("openai");
    assertThatThrownBy(() -> registry.fallbacksFor(request("openai", List.of("claude"))))
        .hasMessageContaining("set ANTHROPIC_API_KEY");
  }

  @Test
  void refusesSettingsThatCannotWork() {
    assertThatThrownBy(() -> ProvidersSettings.fromJson(new JsonObject("{\"openai\": {\"fallbak\": [\"claude\"]}}")))
        .hasMessage("providers.openai.fallbak: unknown key (did you mean fallback?)");
    assertThatThrownBy(() -> ProvidersSettings.fromJson(new JsonObject("{\"openai\": {\"url\": \"http://x\"}}")))
        .hasMessageStartingWith("providers.openai.url: unknown key (expected one of: api-key-file, base-url, default-model, ");
    assertThatThrownBy(() -> ProvidersSettings.fromJson(new JsonObject("{\"timeouts\": {\"idle\": \"soon\"}}")))
        .hasMessage("providers.timeouts.idle: \"soon\" (expected: a duration like 500ms, 30s, 10m)");
    assertThatThrownBy(() -> ProvidersSettings.fromJson(new JsonObject("{\"retry\": {\"max-attempts\": 0}}")))
        .hasMessage("retry.max-attempts: 0 (expected: >= 1)");
    assertThatThrownBy(() -> ProvidersSettings.fromJson(new JsonObject("{\"compatible\": [{\"name\": \"x\"}]}")))
        .hasMessage("providers.compatible[0].base-url: missing (expected: a non-empty string)");
    assertThatThrownBy(() -> registry(Map.of(), "{\"compatible\": [{\"name\": \"openai\", \"base-url\": \"http://x\","
        + " \"default-model\": \"m\"}]}")).hasMessageContaining("\"openai\" is already taken");
    assertThatThrownBy(() -> registry(Map.of(), "{\"gemini\": {\"fallback\": [\"gpt\"]}}"))
        .hasMessageStartingWith("providers.gemini.fallback: \"gpt\" (expected one of: ");
    assertThatThrownBy(() -> registry(Map.of("OPENAI_API_KEY", "k", "OPENAI_BASE_URL", "api.openai.com"), "{}"))
        .hasMessageContaining("openai.base-url: \"api.openai.com\" (expected: an http:// or https:// URL)");
  }

  @Test
  void everyDescriptorIsOfferedUnderItsNamesWithItsDefaultsOnceItsKeyIsSet() {
    for (ProviderDescriptor builtIn : Providers.BUILT_IN) {
      ProviderRegistry off = registry(Map.of(), "{}");
      for (String name : builtIn.settingsKeys()) {
        assertThatThrownBy(() -> off.require(name)).as(name)
            .hasMessage("provider: \"" + name + "\" is not configured (set " + builtIn.keyVariable() + ")");
      }
      ProviderRegistry on = registry(Map.of(builtIn.keyVariable(), "k-1"), "{}");
      for (String name : builtIn.settingsKeys()) {
        ChatProvider provider = on.require(name);
        assertThat(provider.name()).as(name).isEqualTo(builtIn.name());
        assertThat(provider.defaultModel()).isEqualTo(builtIn.defaultModel());
        assertThat(provider.models()).isEqualTo(builtIn.models());
        assertThat(provider.toString()).contains(builtIn.defaultBaseUrl());
      }
      assertThat(on.all()).extracting(ChatProvider::name).containsExactly(builtIn.name());
    }
  }

  @Test
  void aProvidersSectionIsReadUnderAnAliasAndMayNotBeGivenTwice() {
    ProviderRegistry registry = registry(Map.of("ANTHROPIC_API_KEY", "a-1"),
        "{\"anthropic\": {\"default-model\": \"claude-haiku-4-5\"}}");
    assertThat(registry.require("claude").defaultModel()).isEqualTo("claude-haiku-4-5");
    assertThatThrownBy(() -> registry(Map.of(), "{\"claude\": {}, \"anthropic\": {}}"))
        .hasMessage("providers.anthropic: the same provider as providers.claude"
            + " (expected: its settings under one of claude, anthropic)");
  }

  @Test
  void aSectionUnderNoProvidersNameIsRefusedNamingIt() {
    assertThatThrownBy(() -> registry(Map.of(), "{\"opneai\": {\"default-model\": \"gpt-4.1\"}}"))
        .hasMessage("providers.opneai: unknown key (did you mean openai?)");
    assertThatThrownBy(() -> registry(Map.of(), "{\"ollama\": {\"base-url\": \"http://localhost:11434/v1\"}}"))
        .hasMessage("providers.ollama: unknown key (expected one of: anthropic, claude, compatible, deepseek, gemini,"
            + " http2, max-connections-per-host, openai, retry, timeouts)");
    assertThatThrownBy(() -> ProvidersSettings.fromJson(new JsonObject("{\"timeout\": {\"connect\": \"2s\"}}")))
        .as("a misspelt shared key is said as such, not read as a provider's section")
        .hasMessage("providers.timeout: unknown key (did you mean timeouts?)");
  }

  /** The table at the top of docs/providers.md says each descriptor's names, variables and defaults. */
  @Test
  void docsProvidersTableSaysEachDescriptor() throws Exception {
    List<String> rows = Files.readAllLines(Path.of("docs/providers.md"));
    for (ProviderDescriptor builtIn : Providers.BUILT_IN) {
      String row = rows.stream().filter(line -> line.startsWith("| `" + builtIn.name() + "`")).findFirst()
          .orElseThrow(() -> new AssertionError("docs/providers.md has no row for " + builtIn.name()));
      assertThat(row).contains("`" + builtIn.defaultBaseUrl() + "`", "`" + builtIn.keyVariable() + "`",
          "`" + builtIn.baseUrlVariable() + "`", "`" + builtIn.defaultModel() + "`");
      builtIn.aliases().forEach(alias -> assertThat(row).contains("alias `" + alias + "`"));
    }
  }

  @Test
  void neverShowsAKey() {
    ProviderRegistry registry = registry(Map.of("OPENAI_API_KEY", "sk-very-secret"), "{}");
    assertThat(registry.require("openai").toString()).doesNotContain("sk-very-secret");
  }
}
