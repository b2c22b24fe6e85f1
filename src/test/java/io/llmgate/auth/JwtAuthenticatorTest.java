package io.llmgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.testing.TestTokens;
import io.vertx.core.Vertx;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
  private final Vertx vertx = Vertx.vertx();
  private final TestTokens tokens = new TestTokens(vertx);
  private final JwtAuthenticator authenticator = new JwtAuthenticator(vertx, TestTokens.SECRET, Optional.of("sk-local"));

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
  void configuredApiKeyIsAccepted() {
    assertThat(authenticator.authenticate("sk-local").await()).isEqualTo(JwtAuthenticator.API_KEY_USER);
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

  private void assertRefused(String token, String message) {
    Throwable failure = authenticator.authenticate(token).cause();
    assertThat(failure).isInstanceOf(GatewayException.class).hasMessageStartingWith(message);
    assertThat(((GatewayException) failure).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
  }
}
