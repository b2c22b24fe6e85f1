package io.llmgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.JwtConfig;
import io.llmgate.config.PublicKeyPem;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.testing.SigningKey;
import io.llmgate.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RS256 and ES256 tokens verified with a configured PEM public key, and each way such a token is refused. */
class PublicKeyJwtTest {
  private static final SigningKey RSA = SigningKey.rsa("rsa-1");
  private static final SigningKey EC = SigningKey.ec("ec-1", "secp256r1");

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private JwtAuthenticator withKey(SigningKey key, Optional<String> secret) {
    JwtConfig config = JwtConfig.DEFAULT.withPublicKey(PublicKeyPem.parse("auth.jwt.public-key", key.publicPem()));
    return new JwtAuthenticator(vertx, config, secret);
  }

  @Test
  void rs256AndEs256TokensAreAcceptedWithTheirPemKey() {
    assertThat(withKey(RSA, Optional.empty()).authenticate(RSA.sign(SigningKey.claims("alice"))).await())
        .isEqualTo("alice");
    assertThat(withKey(EC, Optional.empty()).authenticate(EC.sign(SigningKey.claims("bob"))).await())
        .isEqualTo("bob");
  }

  @Test
  void aPemKeyAndTheHs256SecretBothVerifyTheirOwnTokens() {
    JwtAuthenticator both = withKey(RSA, Optional.of(TestTokens.SECRET));
    assertThat(both.authenticate(RSA.sign(SigningKey.claims("alice"))).await()).isEqualTo("alice");
    assertThat(both.authenticate(new TestTokens(vertx).valid("carol")).await()).isEqualTo("carol");
  }

  @Test
  void anHs256TokenKeyedWithThePublicPemIsRefused() {
    byte[] pemBytes = RSA.publicPem().getBytes(StandardCharsets.US_ASCII);
    String confused = SigningKey.hs256(pemBytes, new JsonObject().put("typ", "JWT"), SigningKey.claims("mallory"));

    assertRefused(withKey(RSA, Optional.empty()), confused, "unauthorized: token algorithm HS256 (expected: RS256)");
    assertRefused(withKey(RSA, Optional.of(TestTokens.SECRET)), confused, "unauthorized: invalid token signature");
  }

  @Test
  void anAlgorithmNoKeyWasConfiguredForIsRefused() {
    JwtAuthenticator rsaOnly = withKey(RSA, Optional.empty());
    assertRefused(rsaOnly, EC.sign(SigningKey.claims("alice")), "unauthorized: token algorithm ES256 (expected: RS256)");
    assertRefused(rsaOnly, RSA.sign(new JsonObject().put("alg", "RS384"), SigningKey.claims("alice")),
        "unauthorized: token algorithm RS384 (expected: RS256)");
    assertRefused(rsaOnly, RSA.sign(new JsonObject().put("alg", "PS256"), SigningKey.claims("alice")),
        "unauthorized: token algorithm PS256 (expected: RS256)");
    assertRefused(rsaOnly, new TestTokens(vertx).algNone("alice"),
        "unauthorized: unsigned token (alg none) is not accepted");
    assertRefused(rsaOnly, RSA.sign(new JsonObject().put("alg", "NONE"), SigningKey.claims("alice")),
        "unauthorized: unsigned token (alg none) is not accepted");
  }

  @Test
  void aTokenSignedByAnotherKeyIsRefused() {
    assertRefused(withKey(RSA, Optional.empty()), SigningKey.rsa("rsa-1").sign(SigningKey.claims("alice")),
        "unauthorized: invalid token signature");
    assertRefused(withKey(EC, Optional.empty()), SigningKey.ec("ec-1", "secp256r1").sign(SigningKey.claims("alice")),
        "unauthorized: invalid token signature");
  }

  @Test
  void issuerAndAudienceAreCheckedWhenConfigured() {
    JwtConfig config = JwtConfig.DEFAULT.withPublicKey(PublicKeyPem.parse("k", RSA.publicPem()))
        .withClaims(Optional.of("https://idp.test/"), List.of("llmgate", "llmgate-staging"));
    JwtAuthenticator auth = new JwtAuthenticator(vertx, config, Optional.empty());
    JsonObject good = SigningKey.claims("alice").put("iss", "https://idp.test/").put("aud", "llmgate");

    assertThat(auth.authenticate(RSA.sign(good)).await()).isEqualTo("alice");
    assertThat(auth.authenticate(RSA.sign(good.copy().put("aud", new JsonArray().add("other").add("llmgate-staging"))))
        .await()).isEqualTo("alice");
    assertRefused(auth, RSA.sign(good.copy().put("iss", "https://evil.test/")),
        "unauthorized: token issuer not accepted (expected: https://idp.test/)");
    JsonObject noIssuer = good.copy();
    noIssuer.remove("iss");
    assertRefused(auth, RSA.sign(noIssuer), "unauthorized: token issuer not accepted");
    assertRefused(auth, RSA.sign(good.copy().put("aud", "other")),
        "unauthorized: token audience not accepted (expected: llmgate or llmgate-staging)");
    JsonObject noAudience = good.copy();
    noAudience.remove("aud");
    assertRefused(auth, RSA.sign(noAudience), "unauthorized: token audience not accepted");
  }

  @Test
  void withoutIssuerOrAudienceConfiguredAnyIsAccepted() {
    JsonObject claims = SigningKey.claims("alice").put("iss", "https://anyone.test/").put("aud", "anything");
    assertThat(withKey(RSA, Optional.empty()).authenticate(RSA.sign(claims)).await()).isEqualTo("alice");
  }

  @Test
  void expiryAndNotBeforeAllowTheClockSkewAndNoMore() {
    long now = System.currentTimeMillis() / 1000;
    JwtAuthenticator skew30 = withKey(RSA, Optional.empty());
    JsonObject claims = SigningKey.claims("alice");

    assertThat(skew30.authenticate(RSA.sign(claims.copy().put("exp", now - 10))).await()).isEqualTo("alice");
    assertRefused(skew30, RSA.sign(claims.copy().put("exp", now - 60)), "unauthorized: token expired");
    assertThat(skew30.authenticate(RSA.sign(claims.copy().put("nbf", now + 10))).await()).isEqualTo("alice");
    assertRefused(skew30, RSA.sign(claims.copy().put("nbf", now + 120)),
        "unauthorized: token not yet valid (nbf is in the future)");
    assertRefused(skew30, RSA.sign(claims.copy().put("nbf", "soon")), "unauthorized: invalid token");

    JwtConfig strict = JwtConfig.DEFAULT.withPublicKey(PublicKeyPem.parse("k", RSA.publicPem()))
        .withClockSkew(Duration.ZERO);
    JwtAuthenticator noSkew = new JwtAuthenticator(vertx, strict, Optional.empty());
    assertRefused(noSkew, RSA.sign(claims.copy().put("exp", now - 2)), "unauthorized: token expired");
    assertRefused(noSkew, RSA.sign(claims.copy().put("nbf", now + 60)), "unauthorized: token not yet valid");
  }

  @Test
  void theClaimRulesHoldForPublicKeyTokensToo() {
    JwtAuthenticator auth = withKey(EC, Optional.empty());
    JsonObject noExp = SigningKey.claims("alice");
    noExp.remove("exp");
    assertRefused(auth, EC.sign(noExp), "unauthorized: token has no exp claim (expected: an expiry time)");
    assertRefused(auth, EC.sign(SigningKey.claims("alice").put("sub", 7)), "unauthorized: token has no sub claim");
    assertRefused(auth, EC.sign(SigningKey.claims("a".repeat(257))), "unauthorized: sub claim of 257 characters");
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer: " + e, e);
    }
  }

  static void assertRefused(JwtAuthenticator authenticator, String token, String message) {
    Throwable failure = await(authenticator.authenticate(token).transform(done -> Future.succeededFuture(done.cause())));
    assertThat(failure).isInstanceOf(GatewayException.class).hasMessageStartingWith(message);
    assertThat(((GatewayException) failure).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
  }
}
