package io.llmgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.api-keys} (hashes only) and {@code auth.api-keys-file} (hashes or plain keys) are read
 * strictly, and no refusal ever shows a key or what was written where a hash belongs.
 */
class ApiKeysConfigTest {
  private static final String KEY_A = "sk-svc-a-plain-key-0123456789abcdefghij";
  private static final String KEY_B = "sk-svc-b-plain-key-0123456789abcdefghij";
  private static final String HASH_A = ApiKey.sha256Of(KEY_A);

  @TempDir
  Path dir;

  private GatewayConfig load(String yaml, Map<String, String> env) throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), yaml);
    Map<String, String> variables = new java.util.HashMap<>(env);
    variables.put("LLMGATE_CONFIG", file.toString());
    return ConfigLoader.load(variables);
  }

  private GatewayConfig load(String yaml) throws Exception {
    return load(yaml, Map.of());
  }

  private Path keysFile(String yaml) throws Exception {
    return Files.writeString(dir.resolve("keys.yaml"), yaml);
  }

  private String refusal(String yaml) {
    return assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).actual().getMessage();
  }

  @Test
  void keysOfTheConfigAndOfTheFileAreReadWithTheirUsersAndLimits() throws Exception {
    Path file = keysFile("- user: svc-b\n  key: " + KEY_B + "\n  concurrent-streams: 2\n"
        + "- user: svc-c\n  sha256: " + ApiKey.sha256Of("c").toUpperCase() + "\n");
    List<ApiKey> keys = load("auth:\n  api-keys:\n    - user: svc-a\n      sha256: " + HASH_A
        + "\n      messages-per-minute: 600\n  api-keys-file: " + file + "\n").auth().apiKeys();

    assertThat(keys).containsExactly(
        new ApiKey("svc-a", HASH_A, OptionalInt.of(600), OptionalInt.empty()),
        new ApiKey("svc-b", ApiKey.sha256Of(KEY_B), OptionalInt.empty(), OptionalInt.of(2)),
        new ApiKey("svc-c", ApiKey.sha256Of("c"), OptionalInt.empty(), OptionalInt.empty()));
    assertThat(keys.toString()).doesNotContain(KEY_B);
    assertThat(ApiKey.sha256Of("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void wrongEntriesAreRefusedWithTheSettingAndWhatWasExpected() {
    assertThat(refusal("auth:\n  api-keys:\n    - sha256: " + HASH_A + "\n"))
        .isEqualTo("auth.api-keys[0].user: missing (expected: the user id this key acts as)");
    assertThat(refusal("auth:\n  api-keys:\n    - user: a\n"))
        .isEqualTo("auth.api-keys[0].sha256: missing (expected: sha256, the key's SHA-256 in hex;"
            + " in auth.api-keys-file key, the key itself, instead)");
    assertThat(refusal("auth:\n  api-keys:\n    - user: a\n      key: " + KEY_A + "\n"))
        .startsWith("auth.api-keys[0].key: unknown key");
    assertThat(refusal("auth:\n  api-keys:\n    - user: a\n      sha256: " + HASH_A + "\n      messages-per-minute: 0\n"))
        .isEqualTo("auth.api-keys[0].messages-per-minute: 0 (expected: > 0)");
    assertThat(refusal("auth:\n  api-keys:\n    - user: a\n      sha256: " + HASH_A + "\n      concurent-streams: 1\n"))
        .isEqualTo("auth.api-keys[0].concurent-streams: unknown key (did you mean concurrent-streams?)");
    assertThat(refusal("auth:\n  api-keys: " + HASH_A + "\n"))
        .isEqualTo("auth.api-keys: \"" + HASH_A + "\" (expected: a list of maps)");
    assertThat(refusal("auth:\n  api-keys:\n    - user: a\n      sha256: " + HASH_A + "\n    - user: b\n      sha256: "
        + HASH_A.toUpperCase() + "\n"))
        .isEqualTo("auth.api-keys[1].sha256: the same key as auth.api-keys[0] (expected: one entry per key)");
    assertThat(refusal("auth:\n  api-keys:\n    - user: a\n      sha256: " + HASH_A + "\n    - user: a\n      sha256: "
        + ApiKey.sha256Of("rotated") + "\n      messages-per-minute: 5\n"))
        .isEqualTo("auth.api-keys[1].user: \"a\" has other limits in an earlier entry (expected: the same"
            + " messages-per-minute and concurrent-streams on every key of a user)");
  }

  @Test
  void aKeyWrittenWhereItsHashBelongsIsRefusedWithoutBeingShown() {
    String message = refusal("auth:\n  api-keys:\n    - user: a\n      sha256: " + KEY_A + "\n");
    assertThat(message).isEqualTo("auth.api-keys[0].sha256: not 64 hex digits, value not shown (expected: the key's"
        + " SHA-256 in hex, as `printf %s \"$KEY\" | sha256sum` prints it)");
    assertThat(refusal("auth:\n  api-keys:\n    - user: a\n      sha256: [" + KEY_A + "]\n"))
        .isEqualTo("auth.api-keys[0].sha256: not a non-empty string, value not shown (expected: a string)");
  }

  @Test
  void theKeysFileIsReadStrictlyAndItsErrorsNeverQuoteIt() throws Exception {
    Path broken = keysFile("- user: a\n  key: " + KEY_A + ": oops\n  - [\n");
    String message = refusal("auth:\n  api-keys-file: " + broken + "\n");
    assertThat(message).startsWith("auth.api-keys-file: " + broken + " is not valid YAML near line ")
        .doesNotContain(KEY_A).doesNotContain("sk-");

    Path numeric = keysFile("- user: a\n  key: 12345678901234567890\n");
    assertThat(refusal("auth:\n  api-keys-file: " + numeric + "\n"))
        .isEqualTo("auth.api-keys-file[0].key: not a non-empty string, value not shown (expected: a string)");
    Path map = keysFile("user: a\nkey: " + KEY_A + "\n");
    assertThat(refusal("auth:\n  api-keys-file: " + map + "\n"))
        .isEqualTo("auth.api-keys-file: " + map + " holds no list (expected: a list of api key entries)");
    Path both = keysFile("- user: a\n  key: " + KEY_A + "\n  sha256: " + HASH_A + "\n");
    assertThat(refusal("auth:\n  api-keys-file: " + both + "\n")).doesNotContain(KEY_A)
        .startsWith("auth.api-keys-file[0].sha256: set with auth.api-keys-file[0].key");
    assertThat(refusal("auth:\n  api-keys-file: " + dir.resolve("missing.yaml") + "\n"))
        .isEqualTo("auth.api-keys-file: cannot read " + dir.resolve("missing.yaml") + " (NoSuchFileException)");
  }

  @Test
  void theEnvironmentsKeyMayNotBeAListedOne() throws Exception {
    assertThatThrownBy(() -> load("auth:\n  api-keys:\n    - user: a\n      sha256: " + HASH_A + "\n",
        Map.of("LLMGATE_API_KEY", KEY_A)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("LLMGATE_API_KEY: the same key as an entry of auth.api-keys (expected: one user per key)");
    assertThat(load("auth:\n  api-keys:\n    - user: a\n      sha256: " + HASH_A + "\n",
        Map.of("LLMGATE_API_KEY", KEY_B)).apiKey()).isEqualTo(Optional.of(KEY_B));
  }
}
