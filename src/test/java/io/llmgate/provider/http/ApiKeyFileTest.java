package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.config.ConfigException;
import io.llmgate.config.ProvidersSettings;
import io.llmgate.provider.ChatProvider;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.Providers;
import io.llmgate.provider.Recorder;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code api-key-file}: a provider's key read from a mounted secret, as the fake upstream sees it in each
 * request (a compatible server's {@code Authorization}, Claude's {@code x-api-key}). A rotated key is used
 * without a restart; a file caught empty or gone keeps the last key; a file that holds no key stops the start.
 */
class ApiKeyFileTest extends FakeUpstreamTest {
  private static final String STREAM = "ollama/synthetic/v1-chat-stream-include-usage.sse";

  @TempDir
  Path dir;
  private Path keyFile;

  @BeforeEach
  void writeTheKey() throws Exception {
    keyFile = dir.resolve("api-key");
    Files.writeString(keyFile, "key-1\n");
  }

  private ChatProvider provider(Path file) {
    JsonObject vault = new JsonObject().put("name", "vault-llm").put("base-url", upstream.baseUrl() + "/v1")
        .put("default-model", "llama3.2").put("api-key-file", file.toString());
    return Providers.fromEnvironment(vertx, Map.of(), settings(vault)).require("vault-llm");
  }

  private static ProvidersSettings settings(JsonObject compatible) {
    return ProvidersSettings.fromJson(new JsonObject().put("compatible", new JsonArray().add(compatible))
        .put("retry", new JsonObject().put("max-attempts", 1)));
  }

  /** Claude, its base URL the fake upstream's, its key in {@code file}. */
  private ChatProvider claude(Map<String, String> env, Path file) {
    Map<String, String> all = new HashMap<>(env);
    all.put("ANTHROPIC_BASE_URL", upstream.baseUrl());
    return Providers.fromEnvironment(vertx, all, ProvidersSettings.fromJson(new JsonObject()
        .put("anthropic", new JsonObject().put("api-key-file", file.toString())))).require("claude");
  }

  /** Streams once to its end and returns the Authorization the upstream received. */
  private String streamOnce(ChatProvider provider) {
    return streamOnce(provider, STREAM, "authorization");
  }

  /** Streams {@code fixture} once to its end and returns the {@code header} the upstream received. */
  private String streamOnce(ChatProvider provider, String fixture, String header) {
    upstream.enqueue(Reply.stream(Fixtures.bytes(fixture)));
    ChatRequest request = new ChatRequest("s-1", provider.name(), List.of(new ChatMessage(Role.USER, "Hi")),
        Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), List.of(), Map.of());
    Recorder.open(vertx, provider, request).awaitEnd();
    return upstream.takeRequest().headers().get(header);
  }

  /** Streams until the upstream sees {@code expected} (the key is checked once a second), at most 15 s. */
  private List<String> streamUntil(ChatProvider provider, String expected) {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!seen.contains(expected) && System.nanoTime() < deadline) {
      seen.add(streamOnce(provider));
    }
    assertThat(seen).as("what the upstream received, stream after stream").contains(expected);
    return seen;
  }

  /** As a Kubernetes secret volume does it: the new file is written aside and swapped in at once. */
  private void rotate(String content) throws Exception {
    Path next = dir.resolve("api-key.next");
    Files.writeString(next, content);
    Files.move(next, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void waitPastAKeyCheck() throws Exception {
    CompletableFuture<Void> waited = new CompletableFuture<>();
    vertx.setTimer(ApiKeyFile.CHECK_EVERY.toMillis() * 2, id -> waited.complete(null));
    waited.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRotatedKeyIsUsedWithoutARestart() throws Exception {
    ChatProvider provider = provider(keyFile);
    assertThat(streamOnce(provider)).isEqualTo("Bearer key-1");

    rotate("key-2\n");

    List<String> seen = streamUntil(provider, "Bearer key-2");
    assertThat(seen.subList(seen.indexOf("Bearer key-2"), seen.size())).containsOnly("Bearer key-2");
    assertThat(seen).containsOnly("Bearer key-1", "Bearer key-2");
    waitPastAKeyCheck();
    assertThat(streamOnce(provider)).as("the new key stays").isEqualTo("Bearer key-2");
  }

  /** A built-in provider's key from a file, in whichever header its mapper puts the key. */
  @Test
  void aBuiltInProvidersKeyComesFromItsFileAndRotates() throws Exception {
    ChatProvider claude = claude(Map.of(), keyFile);
    assertThat(streamOnce(claude, "anthropic/text.sse", "x-api-key")).isEqualTo("key-1");

    rotate("key-2\n");

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String seen = "key-1";
    while (seen.equals("key-1") && System.nanoTime() < deadline) {
      seen = streamOnce(claude, "anthropic/text.sse", "x-api-key");
    }
    assertThat(seen).isEqualTo("key-2");
  }

  @Test
  void aBuiltInProvidersKeyFileAndItsVariableAreNotBothGiven() {
    assertThatThrownBy(() -> claude(Map.of("ANTHROPIC_API_KEY", "sk-ant-1"), keyFile))
        .hasMessage("providers.claude.api-key-file: given while ANTHROPIC_API_KEY is set too"
            + " (expected: one of them, where the key is)");
  }

  /** A rotation that truncates before it writes, or a secret unmounted: streams go on with the last key. */
  @Test
  void aKeyFileCaughtEmptyOrGoneKeepsTheLastKey() throws Exception {
    ChatProvider provider = provider(keyFile);
    assertThat(streamOnce(provider)).isEqualTo("Bearer key-1");

    Files.writeString(keyFile, "");
    waitPastAKeyCheck();
    assertThat(streamOnce(provider)).isEqualTo("Bearer key-1");

    Files.delete(keyFile);
    waitPastAKeyCheck();
    assertThat(streamOnce(provider)).isEqualTo("Bearer key-1");

    Files.writeString(keyFile, "key-3");
    assertThat(streamUntil(provider, "Bearer key-3")).containsOnly("Bearer key-1", "Bearer key-3");
  }

  @Test
  void aKeyFileThatHoldsNoKeyStopsTheStart() throws Exception {
    Path missing = dir.resolve("not-there");
    assertThatThrownBy(() -> provider(missing)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("providers.compatible.vault-llm.api-key-file: \"" + missing
            + "\" cannot be read (NoSuchFileException) (expected: a readable file holding the key)");

    Files.writeString(keyFile, " \n");
    assertThatThrownBy(() -> provider(keyFile))
        .hasMessage("providers.compatible.vault-llm.api-key-file: \"" + keyFile + "\" is empty (expected: the key alone)");

    Files.writeString(keyFile, "key-1\nkey-2\n");
    assertThatThrownBy(() -> provider(keyFile)).hasMessage("providers.compatible.vault-llm.api-key-file: \""
        + keyFile + "\" holds more than one word or line (expected: the key alone)");
  }

  @Test
  void aKeyFromAFileAndFromAVariableAreNotBothGiven() {
    assertThatThrownBy(() -> settings(new JsonObject().put("name", "vault-llm").put("base-url", "http://127.0.0.1:1/v1")
        .put("default-model", "llama3.2").put("api-key-env", "VAULT_KEY").put("api-key-file", keyFile.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("providers.compatible.vault-llm.api-key-file: given with api-key-env (expected: one of them, where the key is)");
  }
}
