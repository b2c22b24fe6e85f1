package io.llmgate.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** The {@code auth:} section: who a bearer credential may be (docs/configuration.md, docs/security.md). */
public record AuthConfig(JwtConfig jwt) {
  public static final AuthConfig DEFAULT = new AuthConfig(JwtConfig.DEFAULT);

  static final Set<String> KEYS = Set.of("jwt");
  private static final Set<String> JWT_KEYS = Set.of("public-key", "public-key-file", "jwks-url", "jwks-max-age",
      "jwks-min-refresh-interval", "issuer", "audience", "clock-skew");

  /** Reads the section, refusing unknown keys and wrong values with the key, the value and what was expected. */
  static AuthConfig read(Settings auth) {
    return new AuthConfig(jwt(auth.object("jwt", JWT_KEYS)));
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
