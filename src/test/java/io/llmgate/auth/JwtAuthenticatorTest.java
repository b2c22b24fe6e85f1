package io.llmgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.testing.TestTokens;
import io.llmgate.config.ConfigException;
import io.llmgate.config.ConfigLoader;
import io.llmgate.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
  private final Vertx vertx = Vertx.vertx();
  private final TestTokens tokens = new TestTokens(vertx);
  private final JwtAuthenticator authenticator = new JwtAuthenticator(vertx, TestTokens.SECRET);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void validTokenYieldsItsSubject() {
    assertThat(authenticator.authenticate(tokens.valid("alice")).await()).isEqualTo("alice");
  }

  @Test
  void issuedDevelopmentTokenIsAccepted() {
    assertThat(authenticator.authenticate(authenticator.issue("dev-user", 60)).await()).isEqualTo("dev-user");
  }

  @Test
  void eachBadTokenIsRefusedWithItsReason() {
    assertRefused(null, "unauthorized: missing token");
    assertRefused("", "unauthorized: missing token");
    assertRefused("abc", "unauthorized: malformed token");
    assertRefused("###.###.###", "unauthorized: malformed token header");
    assertRefused(tokens.expired("alice"), "unauthorized: token expired");
    assertRefused(tokens.wrongSignature("alice"), "unauthorized: invalid token signature");
    assertRefused(tokens.algNone("alice"), "unauthorized: unsigned token (alg none) is not accepted");
  }

  @Test
  void validlySignedTokensWithBadClaimsAreRefused() {
    long later = System.currentTimeMillis() / 1000 + 3600;
    assertRefused(tokens.signed(new JsonObject().put("sub", "alice")),
        "unauthorized: token has no exp claim (expected: an expiry time)");
    assertRefused(tokens.signed(new JsonObject().put("sub", 42).put("exp", later)),
        "unauthorized: token has no sub claim (expected: the user id as a string)");
    assertRefused(tokens.signed(new JsonObject().put("sub", new JsonObject().put("id", "alice")).put("exp", later)),
        "unauthorized: token has no sub claim");
    assertRefused(tokens.signed(new JsonObject().put("sub", "a".repeat(100_000)).put("exp", later)),
        "unauthorized: sub claim of 100000 characters (expected: at most 256)");
    assertThat(authenticator.authenticate(tokens.signed(new JsonObject().put("sub", "a".repeat(256)).put("exp", later)))
        .await()).hasSize(256);
  }

  @Test
  void shortOrWordLikeSecretsRefuseToStart() {
    for (String weak : List.of("a", "secret", "changeme", "x".repeat(31))) {
      assertThatThrownBy(() -> GatewayConfig.defaults(0).withJwtSecret(Optional.of(weak)))
          .isInstanceOf(ConfigException.class)
          .hasMessage("LLMGATE_JWT_SECRET: " + weak.length()
              + " bytes (expected: at least 32 random bytes, e.g. the output of `openssl rand -base64 32`)");
    }
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("LLMGATE_JWT_SECRET", "changeme")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("LLMGATE_JWT_SECRET: 8 bytes");
    String secret = "x".repeat(32);
    assertThat(GatewayConfig.defaults(0).withJwtSecret(Optional.of(secret)).jwtSecret()).contains(secret);
  }

  private void assertRefused(String token, String message) {
    Throwable failure = authenticator.authenticate(token).cause();
    assertThat(failure).isInstanceOf(GatewayException.class).hasMessageStartingWith(message);
    assertThat(((GatewayException) failure).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
  }
}
