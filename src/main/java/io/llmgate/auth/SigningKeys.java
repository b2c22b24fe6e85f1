package io.llmgate.auth;

import io.llmgate.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The keys a token may be signed with — the HS256 secret, the PEM public key, the JWKS's current keys — as
 * one vertx-auth-jwt provider, rebuilt whenever the key set changes. Each key verifies only its own
 * algorithm, which is what keeps an HS256 token "signed" with the RSA public key from verifying.
 */
final class SigningKeys {
  private final Vertx vertx;
  private final JWTOptions checks;
  private final List<PubSecKeyOptions> fixed = new ArrayList<>();
  private final Set<String> algorithms = new LinkedHashSet<>();
  private final Optional<JwksClient> jwks;
  private volatile Verifier current;

  /**
   * A provider and the key ids of the JWKS it holds (a token naming another one asks for a refresh); with
   * no key at all it is not used, as vertx-auth-jwt would then take itself to be in unsecured mode.
   */
  record Verifier(JWTAuth jwt, Set<String> keyIds, boolean hasKeys) {
    Future<JWTAuth> future() {
      return hasKeys ? Future.succeededFuture(jwt) : Future.failedFuture(new NoSuchKeyIdException("any"));
    }
  }

  SigningKeys(Vertx vertx, JwtConfig config, Optional<String> secret) {
    this.vertx = vertx;
    // iss and aud are checked by vertx-auth-jwt; exp and nbf by JwtAuthenticator, which says which failed.
    this.checks = new JWTOptions().setIgnoreExpiration(true).setIssuer(config.issuer().orElse(null))
        .setAudience(config.audiences().isEmpty() ? null : config.audiences());
    secret.ifPresent(s -> add(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(s)));
    config.publicKey().ifPresent(key -> add(new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(key.pem())));
    if (config.jwksUrl().isPresent()) {
      algorithms.add("RS256");
      algorithms.add("ES256");
    }
    this.current = build(List.of());
    this.jwks = config.jwksUrl().map(url -> new JwksClient(vertx, url, config.jwksMaxAge(),
        config.jwksMinRefreshInterval(), keys -> current = build(keys)));
    jwks.ifPresent(JwksClient::refresh);
  }

  private void add(PubSecKeyOptions key) {
    fixed.add(key);
    algorithms.add(key.getAlgorithm());
  }

  private Verifier build(List<JsonObject> jwk) {
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks).setJwks(jwk);
    fixed.forEach(options::addPubSecKey);
    Set<String> ids = jwk.stream().map(key -> key.getString("kid")).filter(id -> id != null)
        .collect(Collectors.toUnmodifiableSet());
    return new Verifier(JWTAuth.create(vertx, options), ids, !fixed.isEmpty() || !jwk.isEmpty());
  }

  /** The algorithms a token may name: one per configured key kind. */
  Set<String> algorithms() {
    return Set.copyOf(algorithms);
  }

  /** False while a configured JWKS was never fetched: tokens signed by its keys cannot be verified yet. */
  boolean ready() {
    return jwks.map(JwksClient::fetched).orElse(true);
  }

  /**
   * The provider to verify a token naming {@code keyId} with: after a refresh when the JWKS does not hold
   * that id (or was never fetched), unless a refresh ran within the minimum interval.
   */
  Future<JWTAuth> verifier(Optional<String> keyId) {
    Verifier now = current;
    boolean unknown = keyId.map(id -> !now.keyIds().contains(id)).orElse(!ready());
    if (jwks.isEmpty() || !unknown) {
      return now.future();
    }
    return jwks.get().refreshIfDue().compose(refreshed -> current.future());
  }

  void close() {
    jwks.ifPresent(JwksClient::close);
  }
}
