package io.llmgate.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How client JWTs are verified besides the HS256 {@code LLMGATE_JWT_SECRET} ({@code auth.jwt}): a PEM public
 * key, a JWKS URL, the issuer and audiences a token must name, and how far clocks may disagree.
 */
public record JwtConfig(
    Optional<PublicKeyPem> publicKey,
    Optional<URI> jwksUrl,
    Duration jwksMaxAge,
    Duration jwksMinRefreshInterval,
    Optional<String> issuer,
    List<String> audiences,
    Duration clockSkew) {

  public static final JwtConfig DEFAULT = new JwtConfig(Optional.empty(), Optional.empty(), Duration.ofMinutes(10),
      Duration.ofSeconds(30), Optional.empty(), List.of(), Duration.ofSeconds(30));

  public JwtConfig {
    jwksUrl.ifPresent(url -> Checks.httpUrl("auth.jwt.jwks-url", url));
    Checks.positive("auth.jwt.jwks-max-age", jwksMaxAge);
    Checks.notNegative("auth.jwt.jwks-min-refresh-interval", jwksMinRefreshInterval);
    Checks.notNegative("auth.jwt.clock-skew", clockSkew);
    audiences = List.copyOf(audiences);
  }

  /** True when tokens may be signed by something else than the HS256 secret. */
  public boolean hasPublicKeys() {
    return publicKey.isPresent() || jwksUrl.isPresent();
  }

  public JwtConfig withPublicKey(PublicKeyPem key) {
    return new JwtConfig(Optional.of(key), jwksUrl, jwksMaxAge, jwksMinRefreshInterval, issuer, audiences, clockSkew);
  }

  public JwtConfig withJwks(URI url, Duration maxAge, Duration minRefreshInterval) {
    return new JwtConfig(publicKey, Optional.of(url), maxAge, minRefreshInterval, issuer, audiences, clockSkew);
  }

  public JwtConfig withClaims(Optional<String> iss, List<String> aud) {
    return new JwtConfig(publicKey, jwksUrl, jwksMaxAge, jwksMinRefreshInterval, iss, aud, clockSkew);
  }

  public JwtConfig withClockSkew(Duration skew) {
    return new JwtConfig(publicKey, jwksUrl, jwksMaxAge, jwksMinRefreshInterval, issuer, audiences, skew);
  }
}
