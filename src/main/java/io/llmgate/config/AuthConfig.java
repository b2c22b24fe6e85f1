package io.llmgate.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@code auth:} section: who a bearer credential may be (docs/configuration.md, docs/security.md): JWTs
 * ({@code jwt}) and the API keys of server-to-server callers, each its own user.
 */
public record AuthConfig(JwtConfig jwt, List<ApiKey> apiKeys) {
  public static final AuthConfig DEFAULT = new AuthConfig(JwtConfig.DEFAULT, List.of());

  static final Set<String> KEYS = Set.of("jwt", "api-keys", "api-keys-file");
  private static final Set<String> JWT_KEYS = Set.of("public-key", "public-key-file", "jwks-url", "jwks-max-age",
      "jwks-min-refresh-interval", "issuer", "audience", "clock-skew");
  private static final Set<String> API_KEY_KEYS = Set.of("user", "sha256", "messages-per-minute",
      "concurrent-streams");
  /** A file of keys (a mounted secret, not the config file) may hold them in plain: they are hashed on reading. */
  private static final Set<String> FILE_KEY_KEYS = Set.of("user", "sha256", "key", "messages-per-minute",
      "concurrent-streams");

  public AuthConfig {
    apiKeys = List.copyOf(apiKeys);
  }

  public AuthConfig(JwtConfig jwt) {
    this(jwt, List.of());
  }

  /** Reads the section, refusing unknown keys and wrong values with the key, the value and what was expected. */
  static AuthConfig read(Settings auth) {
    List<Settings> entries = new ArrayList<>(auth.objects("api-keys", API_KEY_KEYS));
    auth.text("api-keys-file").ifPresent(path -> entries.addAll(keysFile(auth.key("api-keys-file"), path)));
    return new AuthConfig(jwt(auth.object("jwt", JWT_KEYS)), apiKeys(entries));
  }

  /**
   * Two entries with one key would make its caller's identity depend on their order; two of one user (a
   * key being rotated) must agree on its limits, which belong to the user.
   */
  private static List<ApiKey> apiKeys(List<Settings> entries) {
    Map<String, String> entryOfHash = new HashMap<>();
    Map<String, ApiKey> firstOfUser = new HashMap<>();
    List<ApiKey> keys = new ArrayList<>();
    for (Settings entry : entries) {
      ApiKey key = apiKey(entry);
      String earlier = entryOfHash.putIfAbsent(key.sha256(), entry.path());
      if (earlier != null) {
        throw new ConfigException(entry.key("sha256") + ": the same key as " + earlier + " (expected: one entry per key)");
      }
      ApiKey sameUser = firstOfUser.putIfAbsent(key.user(), key);
      if (sameUser != null && !(sameUser.messagesPerMinute().equals(key.messagesPerMinute())
          && sameUser.concurrentStreams().equals(key.concurrentStreams()))) {
        throw new ConfigException(entry.key("user") + ": \"" + key.user() + "\" has other limits in an earlier entry"
            + " (expected: the same messages-per-minute and concurrent-streams on every key of a user)");
      }
      keys.add(key);
    }
    return keys;
  }

  private static ApiKey apiKey(Settings in) {
    String user = in.text("user").orElseThrow(() -> new ConfigException(in.key("user")
        + ": missing (expected: the user id this key acts as)"));
    if (user.length() > ApiKey.MAX_USER_LENGTH) {
      throw new ConfigException(in.key("user") + ": " + user.length() + " characters (expected: at most "
          + ApiKey.MAX_USER_LENGTH + ")");
    }
    Optional<String> hash = in.secret("sha256");
    Optional<String> plain = in.secret("key");
    if (hash.isPresent() == plain.isPresent()) {
      throw new ConfigException(in.key("sha256") + ": " + (hash.isPresent() ? "set with " + in.key("key") : "missing")
          + " (expected: sha256, the key's SHA-256 in hex; in auth.api-keys-file key, the key itself, instead)");
    }
    String sha256 = plain.map(ApiKey::sha256Of).orElseGet(() -> hash.get().toLowerCase(Locale.ROOT));
    if (!ApiKey.isSha256Hex(sha256)) {
      throw new ConfigException(in.key("sha256") + ": not 64 hex digits, value not shown (expected: the key's"
          + " SHA-256 in hex, as `printf %s \"$KEY\" | sha256sum` prints it)");
    }
    return new ApiKey(user, sha256, limit(in, "messages-per-minute"), limit(in, "concurrent-streams"));
  }

  private static OptionalInt limit(Settings in, String name) {
    if (!in.has(name)) {
      return OptionalInt.empty();
    }
    int value = in.integer(name, 0);
    Checks.positive(in.key(name), value);
    return OptionalInt.of(value);
  }

  /**
   * A YAML list of entries like those of {@code auth.api-keys}, {@code key} allowed. Its parse errors give
   * only where they are: the parser's own message quotes the line, which may hold a key.
   */
  private static List<Settings> keysFile(String key, String path) {
    JsonNode list;
    try {
      list = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(Path.of(path)));
    } catch (JsonProcessingException e) {
      throw new ConfigException(key + ": " + path + " is not valid YAML near line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + " (expected: a list of api key entries)");
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(key + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
    if (list == null || !list.isArray()) {
      throw new ConfigException(key + ": " + path + " holds no list (expected: a list of api key entries)");
    }
    JsonObject holder = new JsonObject().put(key, new JsonArray(list.toString()));
    return new Settings(holder, "", Set.of(key)).objects(key, FILE_KEY_KEYS);
  }

  private static JwtConfig jwt(Settings in) {
    Optional<String> inline = in.text("public-key");
    Optional<String> file = in.text("public-key-file");
    if (inline.isPresent() && file.isPresent()) {
      throw new ConfigException(in.key("public-key-file") + ": set with " + in.key("public-key")
          + " (expected: one of them)");
    }
    Optional<PublicKeyPem> key = inline.map(pem -> PublicKeyPem.parse(in.key("public-key"), pem))
        .or(() -> file.map(path -> PublicKeyPem.parse(in.key("public-key-file"), read(in.key("public-key-file"), path))));
    JwtConfig d = JwtConfig.DEFAULT;
    return new JwtConfig(key,
        in.text("jwks-url").map(url -> uri(in.key("jwks-url"), url)),
        in.duration("jwks-max-age", d.jwksMaxAge()),
        in.duration("jwks-min-refresh-interval", d.jwksMinRefreshInterval()),
        in.text("issuer"),
        in.textOrTexts("audience"),
        in.duration("clock-skew", d.clockSkew()));
  }

  private static URI uri(String key, String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new ConfigException(key + ": " + text + " (expected: an absolute http:// or https:// URL)");
    }
  }

  private static String read(String key, String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(key + ": cannot read " + path + " (" + e.getMessage() + ")");
    }
  }
}
