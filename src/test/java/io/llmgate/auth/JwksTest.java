package io.llmgate.auth;

import static io.llmgate.auth.PublicKeyJwtTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.JwtConfig;
import io.llmgate.testing.JwksServer;
import io.llmgate.testing.SigningKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens verified with the keys of a JWKS served by a local identity provider that rotates and fails. */
class JwksTest {
  private static final SigningKey K1 = SigningKey.rsa("k1");
  private static final SigningKey K2 = SigningKey.rsa("k2");
  private static final SigningKey EC = SigningKey.ec("ec1", "secp256r1");

  private final Vertx vertx = Vertx.vertx();
  private final JwksServer idp = new JwksServer(vertx);
  private final List<JwtAuthenticator> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(JwtAuthenticator::close);
    idp.close();
    vertx.close().await();
  }

  private JwtAuthenticator authenticator(Duration minRefreshInterval) {
    JwtConfig config = JwtConfig.DEFAULT.withJwks(idp.url(), Duration.ofMinutes(10), minRefreshInterval);
    JwtAuthenticator authenticator = new JwtAuthenticator(vertx, config, Optional.empty());
    opened.add(authenticator);
    return authenticator;
  }

  private static JwtAuthenticator ready(JwtAuthenticator authenticator) throws InterruptedException {
    for (int i = 0; i < 200 && !authenticator.ready(); i++) {
      Thread.sleep(50);
    }
    assertThat(authenticator.ready()).as("the JWKS was fetched").isTrue();
    return authenticator;
  }

  @Test
  void tokensSignedByAnyKeyOfTheSetAreAccepted() throws Exception {
    idp.serve(List.of(K1.jwk(), EC.jwk()));
    JwtAuthenticator auth = ready(authenticator(Duration.ofMinutes(1)));

    assertThat(auth.authenticate(K1.sign(SigningKey.claims("alice"))).await()).isEqualTo("alice");
    assertThat(auth.authenticate(EC.sign(SigningKey.claims("bob"))).await()).isEqualTo("bob");
    assertThat(idp.requests()).isEqualTo(1);
  }

  @Test
  void aRotatedInKeyIsFetchedForItsUnknownKidAndARemovedKeyIsRefused() throws Exception {
    idp.serve(List.of(K1.jwk()));
    JwtAuthenticator auth = ready(authenticator(Duration.ZERO));
    assertThat(auth.authenticate(K1.sign(SigningKey.claims("alice"))).await()).isEqualTo("alice");

    idp.serve(List.of(K2.jwk()));
    assertThat(auth.authenticate(K2.sign(SigningKey.claims("alice"))).await()).isEqualTo("alice");
    assertThat(idp.requests()).isEqualTo(2);

    assertRefused(auth, K1.sign(SigningKey.claims("alice")), "unauthorized: token signed by an unknown key");
  }

  /**
   * Each rotation's fetch must read its answer: asked from a thread outside Vert.x (as here, or the start-up
   * fetch), the response could reach a handler-less stream when the body reader was chained after the
   * request's future, and about one fetch in a hundred failed, refusing the rotated-in key's tokens.
   */
  @Test
  void everyRotationInALongRunIsFetchedAndItsTokensAccepted() throws Exception {
    idp.serve(List.of(K1.jwk()));
    JwtAuthenticator auth = ready(authenticator(Duration.ZERO));

    for (int round = 1; round <= 300; round++) {
      SigningKey next = round % 2 == 0 ? K1 : K2;
      idp.serve(List.of(next.jwk()));
      assertThat(auth.authenticate(next.sign(SigningKey.claims("user-" + round))).await())
          .as("round %d, key %s", round, next.kid()).isEqualTo("user-" + round);
    }
    assertThat(idp.requests()).isEqualTo(301);
  }

  @Test
  void aFloodOfUnknownKidsAsksTheIdentityProviderAtMostOncePerInterval() throws Exception {
    idp.serve(List.of(K1.jwk()));
    JwtAuthenticator auth = ready(authenticator(Duration.ofHours(1)));

    for (int i = 0; i < 50; i++) {
      SigningKey stranger = SigningKey.ec("made-up-" + i, "secp256r1");
      assertRefused(auth, stranger.sign(SigningKey.claims("mallory")), "unauthorized: token signed by an unknown key");
    }

    assertThat(idp.requests()).isEqualTo(1);
    assertThat(auth.authenticate(K1.sign(SigningKey.claims("alice"))).await()).isEqualTo("alice");
  }

  @Test
  void unknownKidsTogetherWaitForOneFetch() throws Exception {
    idp.serve(List.of(K1.jwk()));
    JwtAuthenticator auth = ready(authenticator(Duration.ZERO));
    idp.serve(List.of(K1.jwk(), K2.jwk()));

    var results = new ArrayList<io.vertx.core.Future<String>>();
    for (int i = 0; i < 20; i++) {
      results.add(auth.authenticate(K2.sign(SigningKey.claims("user-" + i))));
    }

    for (int i = 0; i < 20; i++) {
      assertThat(results.get(i).await()).isEqualTo("user-" + i);
    }
    assertThat(idp.requests()).isBetween(2, 21);
  }

  @Test
  void anIdentityProviderDownAtStartRefusesTokensUntilItAnswers() throws Exception {
    idp.fail(503);
    long started = System.nanoTime();
    JwtAuthenticator auth = authenticator(Duration.ofMillis(100));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

    assertThat(auth.ready()).isFalse();
    assertRefused(auth, K1.sign(SigningKey.claims("alice")),
        "unauthorized: signing keys not fetched yet (try again later)");

    idp.serve(List.of(K1.jwk()));
    ready(auth);
    assertThat(auth.authenticate(K1.sign(SigningKey.claims("alice"))).await()).isEqualTo("alice");
  }

  @Test
  void anOutageAfterwardsKeepsTheKeysAlreadyFetched() throws Exception {
    idp.serve(List.of(K1.jwk()));
    JwtAuthenticator auth = ready(authenticator(Duration.ZERO));
    idp.fail(500);

    assertRefused(auth, K2.sign(SigningKey.claims("alice")), "unauthorized: token signed by an unknown key");
    assertThat(auth.authenticate(K1.sign(SigningKey.claims("alice"))).await()).isEqualTo("alice");
    assertThat(auth.ready()).isTrue();
  }

  @Test
  void anHmacKeyInTheSetIsNeverUsed() throws Exception {
    byte[] secret = "a-shared-secret-published-by-mistake!!".getBytes(StandardCharsets.US_ASCII);
    JsonObject oct = new JsonObject().put("kty", "oct").put("kid", "hmac").put("alg", "HS256")
        .put("k", Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    idp.serve(List.of(oct, K1.jwk()));
    JwtAuthenticator auth = ready(authenticator(Duration.ZERO));

    String token = SigningKey.hs256(secret, new JsonObject().put("kid", "hmac"), SigningKey.claims("mallory"));
    assertRefused(auth, token, "unauthorized: token algorithm HS256 (expected: ES256 or RS256)");
  }
}
