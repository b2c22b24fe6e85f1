package io.llmgate.auth;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.JWTOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * HS256 JWTs verified by vertx-auth-jwt. The header is inspected first only to give precise refusals
 * ("unsigned token", "malformed token"): vertx-auth-jwt already refuses {@code alg: none} but with a
 * generic message. An optional static API key is accepted too, for OpenAI SDK clients (user "api-key").
 */
public final class JwtAuthenticator implements Authenticator {
  public static final String API_KEY_USER = "api-key";

  static final int MAX_SUB_LENGTH = 256;

  private final JWTAuth jwt;
  private final Optional<byte[]> apiKey;

  public JwtAuthenticator(Vertx vertx, String secret, Optional<String> apiKey) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.apiKey = apiKey.map(key -> key.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Future<String> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return refuse("missing token");
    }
    if (apiKey.isPresent()
        && MessageDigest.isEqual(apiKey.get(), token.getBytes(StandardCharsets.UTF_8))) {
      return Future.succeededFuture(API_KEY_USER);
    }
    Optional<String> headerProblem = headerProblem(token);
    if (headerProblem.isPresent()) {
      return refuse(headerProblem.get());
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(failure -> refuse(reason(failure.getMessage())))
        .compose(user -> {
          // vertx-auth-jwt keeps the verified claims as they were signed in the "accessToken" attribute.
          JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
          return claimsProblem(claims).<Future<String>>map(JwtAuthenticator::refuse)
              .orElseGet(() -> Future.succeededFuture(claims.getString("sub")));
        });
  }

  /**
   * vertx-auth-jwt checks {@code exp} only when present: a token without one would be valid forever, so one
   * leaked token could never be revoked. The user id becomes a map key, a log field and a rate-limit
   * bucket, so it must be a short string.
   */
  private static Optional<String> claimsProblem(JsonObject claims) {
    if (!(claims.getValue("exp") instanceof Number)) {
      return Optional.of("token has no exp claim (expected: an expiry time)");
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
    return jwt.generateToken(new JsonObject().put("sub", user),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(seconds));
  }

  private static Optional<String> headerProblem(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.of("malformed token (expected: header.payload.signature)");
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return Optional.of("malformed token header");
    }
    String alg = header.getValue("alg") instanceof String name ? name : "";
    if (alg.equalsIgnoreCase("none") || parts[2].isEmpty()) {
      return Optional.of("unsigned token (alg none) is not accepted");
    }
    if (!alg.equals("HS256")) {
      return Optional.of("token algorithm " + alg + " (expected: HS256)");
    }
    return Optional.empty();
  }

  private static String reason(String message) {
    String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (lower.contains("expired")) {
      return "token expired";
    }
    if (lower.contains("signature")) {
      return "invalid token signature";
    }
    if (lower.contains("not before") || lower.contains("nbf")) {
      return "token not yet valid";
    }
    return "invalid token";
  }

  private static <T> Future<T> refuse(String why) {
    return Future.failedFuture(new GatewayException(ErrorCode.UNAUTHORIZED, "unauthorized: " + why));
  }
}
