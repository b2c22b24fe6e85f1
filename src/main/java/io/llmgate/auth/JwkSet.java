package io.llmgate.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The keys of a JWK set (RFC 7517) llmgate verifies with: RSA for RS256 and P-256 EC for ES256, for signatures. */
final class JwkSet {
  private JwkSet() {}

  static List<JsonObject> usable(JsonObject jwks) {
    if (!(jwks.getValue("keys") instanceof JsonArray keys)) {
      throw new IllegalArgumentException("no \"keys\" array (expected: a JWK set, RFC 7517 §5)");
    }
    List<JsonObject> usable = new ArrayList<>();
    for (Object key : keys) {
      if (key instanceof JsonObject jwk && forSignatures(jwk)) {
        algorithm(jwk).ifPresent(alg -> usable.add(jwk.copy().put("alg", alg)));
      }
    }
    return List.copyOf(usable);
  }

  private static boolean forSignatures(JsonObject jwk) {
    Object use = jwk.getValue("use");
    return use == null || "sig".equals(use);
  }

  /** An {@code oct} (HMAC) key is never taken from a key set: it would let a token pick HS256. */
  private static Optional<String> algorithm(JsonObject jwk) {
    Object alg = jwk.getValue("alg");
    if ("RSA".equals(jwk.getValue("kty")) && (alg == null || "RS256".equals(alg))) {
      return Optional.of("RS256");
    }
    if ("EC".equals(jwk.getValue("kty")) && "P-256".equals(jwk.getValue("crv")) && (alg == null || "ES256".equals(alg))) {
      return Optional.of("ES256");
    }
    return Optional.empty();
  }
}
