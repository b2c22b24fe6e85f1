package io.llmgate.auth;

import io.llmgate.config.JwtConfig;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.util.Base64;
import java.util.Optional;
import java.util.TreeSet;

/**
 * JWTs verified by vertx-auth-jwt with the configured keys ({@link SigningKeys}): HS256 with
 * {@code LLMGATE_JWT_SECRET}, RS256/ES256 with a PEM key or a JWKS. The header is inspected first to give
 * precise refusals ("unsigned token", "token algorithm …") and to refuse an algorithm no key was configured
 * for before any key is tried. API keys are tried before ({@link ApiKeyAuthenticator}).
 */
public final class JwtAuthenticator implements Authenticator {
  static final int MAX_SUB_LENGTH = 256;

  private final SigningKeys keys;
  private final Optional<JWTAuth> signer;
  private final long skewSeconds;
  private final String expectedAlgorithms;
  private final JwtConfig config;

  public JwtAuthenticator(Vertx vertx, JwtConfig config, Optional<String> secret) {
    this.keys = new SigningKeys(vertx, config, secret);
    this.signer = secret.map(s -> JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(s))));
    this.skewSeconds = config.clockSkew().toSeconds();
    this.config = config;
    this.expectedAlgorithms = String.join(" or ", new TreeSet<>(keys.algorithms()));
  }

  /** HS256 tokens only, with the default checks: what tests and the development mode use. */
  public JwtAuthenticator(Vertx vertx, String secret) {
    this(vertx, JwtConfig.DEFAULT, Optional.of(secret));
  }

  @Override
  public Future<String> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return refuse("missing token");
    }
    JsonObject header;
    try {
      header = header(token);
    } catch (GatewayException refused) {
      return Future.failedFuture(refused);
    }
    Optional<String> keyId = header.getValue("kid") instanceof String kid ? Optional.of(kid) : Optional.empty();
    return keys.verifier(keyId)
        .compose(jwt -> jwt.authenticate(new TokenCredentials(token)))
        .recover(failure -> refuse(reason(failure)))
        .compose(user -> {
          // vertx-auth-jwt keeps the verified claims as they were signed in the "accessToken" attribute.
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          return claimsProblem(claims, System.currentTimeMillis() / 1000).<Future<String>>map(JwtAuthenticator::refuse)
              .orElseGet(() -> Future.succeededFuture(claims.getString("sub")));
        });
  }

  /** False while a configured JWKS was never fetched (/readyz says so). */
  public boolean ready() {
    return keys.ready();
  }

  /** Stops refreshing the JWKS. */
  public void close() {
    keys.close();
  }

  /**
   * vertx-auth-jwt checks {@code exp} only when present (a token without one would be valid forever, so one
   * leaked token could never be revoked) and folds exp, nbf and iat into one "expired"; so they are checked
   * here, each with the configured clock skew. The user id becomes a map key, a log field and a rate-limit
   * bucket, so it must be a short string.
   */
  private Optional<String> claimsProblem(JsonObject claims, long now) {
    if (!(claims.getValue("exp") instanceof Number exp)) {
      return Optional.of("token has no exp claim (expected: an expiry time)");
    }
    if (now - skewSeconds >= exp.longValue()) {
      return Optional.of("token expired");
    }
    // A non-numeric nbf never gets here: vertx-auth-jwt fails reading it ("invalid token").
    if (claims.getValue("nbf") instanceof Number nbf && nbf.longValue() > now + skewSeconds) {
      return Optional.of("token not yet valid (nbf is in the future)");
    }
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String user) || user.isBlank()) {
      return Optional.of("token has no sub claim (expected: the user id as a string)");
    }
    if (user.length() > MAX_SUB_LENGTH) {
      return Optional.of("sub claim of " + user.length() + " characters (expected: at most " + MAX_SUB_LENGTH + ")");
    }
    return Optional.empty();
  }

  /** A token for {@code user}, valid for {@code seconds}: the development token printed at start-up. */
  public String issue(String user, int seconds) {
    return signer.orElseThrow(() -> new IllegalStateException("no LLMGATE_JWT_SECRET to sign with"))
        .generateToken(new JsonObject().put("sub", user),
            new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(seconds));
  }

  private JsonObject header(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw refusal("malformed token (expected: header.payload.signature)");
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw refusal("malformed token header");
    }
    String alg = header.getValue("alg") instanceof String name ? name : "";
    if (alg.equalsIgnoreCase("none") || parts[2].isEmpty()) {
      throw refusal("unsigned token (alg none) is not accepted");
    }
    if (!keys.algorithms().contains(alg)) {
      throw refusal("token algorithm " + (alg.length() > 16 ? alg.substring(0, 16) + "…" : alg)
          + " (expected: " + expectedAlgorithms + ")");
    }
    return header;
  }

  private String reason(Throwable failure) {
    if (failure instanceof SignatureException) {
      return "invalid token signature";
    }
    if (failure instanceof NoSuchKeyIdException) {
      return keys.ready() ? "token signed by an unknown key" : "signing keys not fetched yet (try again later)";
    }
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    if (message.startsWith("Invalid JWT audience")) {
      return "token audience not accepted (expected: " + String.join(" or ", config.audiences()) + ")";
    }
    if (message.startsWith("Invalid JWT issuer")) {
      return "token issuer not accepted (expected: " + config.issuer().orElse("") + ")";
    }
    return "invalid token";
  }

  private static GatewayException refusal(String why) {
    return new GatewayException(ErrorCode.UNAUTHORIZED, "unauthorized: " + why);
  }

  private static <T> Future<T> refuse(String why) {
    return Future.failedFuture(refusal(why));
  }
}
