package io.llmgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.testing.SigningKey;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code auth:} section is read strictly: every wrong value stops the start with what was expected. */
class AuthConfigTest {
  @TempDir
  Path dir;

  private GatewayConfig load(String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), yaml);
    return ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString()));
  }

  private void assertRefused(String yaml, String message) {
    assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void withoutAnAuthSectionOnlyTheSecretVerifiesWithThirtySecondsOfSkew() throws Exception {
    JwtConfig jwt = load("server:\n  port: 3000\n").auth().jwt();
    assertThat(jwt).isEqualTo(JwtConfig.DEFAULT);
    assertThat(jwt.hasPublicKeys()).isFalse();
    assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void everyJwtSettingIsRead() throws Exception {
    SigningKey key = SigningKey.ec("k", "secp256r1");
    Path pem = Files.writeString(dir.resolve("idp.pem"), key.publicPem());
    JwtConfig jwt = load("auth:\n  jwt:\n    public-key-file: " + pem + "\n"
        + "    jwks-url: https://idp.example/.well-known/jwks.json\n    jwks-max-age: 5m\n"
        + "    jwks-min-refresh-interval: 10s\n    issuer: https://idp.example/\n"
        + "    audience: [llmgate, llmgate-eu]\n    clock-skew: 0\n").auth().jwt();

    assertThat(jwt.publicKey()).map(PublicKeyPem::algorithm).contains("ES256");
    assertThat(jwt.jwksUrl()).contains(URI.create("https://idp.example/.well-known/jwks.json"));
    assertThat(jwt.jwksMaxAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(jwt.jwksMinRefreshInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(jwt.issuer()).contains("https://idp.example/");
    assertThat(jwt.audiences()).containsExactly("llmgate", "llmgate-eu");
    assertThat(jwt.clockSkew()).isZero();
  }

  @Test
  void anInlinePemKeyAndASingleAudienceAreRead() throws Exception {
    String pem = SigningKey.rsa("k").publicPem().replace("\n", "\n      ");
    JwtConfig jwt = load("auth:\n  jwt:\n    audience: llmgate\n    public-key: |\n      " + pem + "\n").auth().jwt();
    assertThat(jwt.publicKey()).map(PublicKeyPem::algorithm).contains("RS256");
    assertThat(jwt.audiences()).isEqualTo(List.of("llmgate"));
    assertThat(jwt.issuer()).isEqualTo(Optional.empty());
  }

  @Test
  void wrongValuesAreRefusedWithTheSettingAndWhatWasExpected() throws Exception {
    assertRefused("auth:\n  jwt:\n    isuer: x\n", "auth.jwt.isuer: unknown key (did you mean issuer?)");
    assertRefused("auth:\n  jwt:\n    kid: x\n", "auth.jwt.kid: unknown key (expected one of: audience, clock-skew, "
        + "issuer, jwks-max-age, jwks-min-refresh-interval, jwks-url, public-key, public-key-file)");
    assertRefused("auth:\n  jtw: {}\n", "auth.jtw: unknown key (did you mean jwt?)");
    assertRefused("auth: [jwt]\n", "auth: [\"jwt\"] (expected: a map)");
    assertRefused("auth:\n  jwt: 3\n", "auth.jwt: 3 (expected: a map)");
    assertRefused("auth:\n  jwt:\n    clock-skew: soon\n",
        "auth.jwt.clock-skew: \"soon\" (expected: a duration like 500ms, 30s, 10m)");
    assertRefused("auth:\n  jwt:\n    jwks-max-age: 0\n", "auth.jwt.jwks-max-age: PT0S (expected: > 0)");
    assertRefused("auth:\n  jwt:\n    jwks-url: ftp://idp/keys\n",
        "auth.jwt.jwks-url: ftp://idp/keys (expected: an absolute http:// or https:// URL)");
    assertRefused("auth:\n  jwt:\n    jwks-url: /keys\n",
        "auth.jwt.jwks-url: /keys (expected: an absolute http:// or https:// URL)");
    assertRefused("auth:\n  jwt:\n    issuer: 12\n", "auth.jwt.issuer: 12 (expected: a non-empty string)");
    assertRefused("auth:\n  jwt:\n    audience: [a, 2]\n",
        "auth.jwt.audience: [\"a\",2] (expected: a list of names)");
  }

  @Test
  void anUnusablePublicKeyIsRefused() throws Exception {
    assertRefused("auth:\n  jwt:\n    public-key: not a key\n", "auth.jwt.public-key: not a PEM public key (expected: "
        + "\"-----BEGIN PUBLIC KEY-----\" … \"-----END PUBLIC KEY-----\", e.g. from `openssl pkey -pubout`)");
    assertRefused("auth:\n  jwt:\n    public-key: \"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\"\n",
        "auth.jwt.public-key: not an RSA or EC public key");
    Path p384 = Files.writeString(dir.resolve("p384.pem"), SigningKey.ec("k", "secp384r1").publicPem());
    assertRefused("auth:\n  jwt:\n    public-key-file: " + p384 + "\n",
        "auth.jwt.public-key-file: an EC key of 384 bits (expected: a P-256 key for ES256)");
    assertThatThrownBy(() -> load("auth:\n  jwt:\n    public-key-file: " + dir.resolve("missing.pem") + "\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("auth.jwt.public-key-file: cannot read ");
    assertRefused("auth:\n  jwt:\n    public-key-file: " + p384 + "\n    public-key: x\n",
        "auth.jwt.public-key-file: set with auth.jwt.public-key (expected: one of them)");
  }
}
