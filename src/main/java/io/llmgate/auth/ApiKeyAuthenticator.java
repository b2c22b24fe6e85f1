package io.llmgate.auth;

import io.llmgate.config.ApiKey;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The API keys of server-to-server callers, each its own user, tried before the JWT verifier. A key is
 * held only as its SHA-256; the presented credential's hash is compared with every configured one in
 * constant time, all of them every time, so timing tells neither which key nor how much of one matched.
 * Anything that is no key goes on to {@code next}, so a wrong key is refused exactly as before keys
 * existed: as a malformed token.
 */
public final class ApiKeyAuthenticator implements Authenticator {
  /** The user of the single {@code LLMGATE_API_KEY}. */
  public static final String API_KEY_USER = "api-key";

  private final List<Held> keys;
  private final Authenticator next;

  public ApiKeyAuthenticator(List<ApiKey> keys, Authenticator next) {
    this.keys = keys.stream().map(key -> new Held(HexFormat.of().parseHex(key.sha256()), key.user())).toList();
    this.next = next;
  }

  @Override
  public Future<String> authenticate(String token) {
    if (token == null || keys.isEmpty()) {
      return next.authenticate(token);
    }
    byte[] presented = ApiKey.sha256(token);
    String user = null;
    for (Held key : keys) {
      // No early exit: every hash is compared, a match or not.
      if (MessageDigest.isEqual(key.sha256, presented) && user == null) {
        user = key.user;
      }
    }
    return user == null ? next.authenticate(token) : Future.succeededFuture(user);
  }

  private record Held(byte[] sha256, String user) {}
}
