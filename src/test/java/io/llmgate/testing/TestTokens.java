package io.llmgate.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Mints the JWTs tests present: valid ones for any user, and each kind a server must refuse. */
public final class TestTokens {
  public static final String SECRET = "test-secret-that-is-long-enough-for-hs256";

  private final JWTAuth signer;
  private final JWTAuth stranger;

  public TestTokens(Vertx vertx) {
    signer = jwt(vertx, SECRET);
    stranger = jwt(vertx, "some-other-secret-nobody-configured");
  }

  public String valid(String user) {
    return signer.generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInSeconds(3600));
  }

  public String expired(String user) {
    long now = System.currentTimeMillis() / 1000;
    return signer.generateToken(new JsonObject().put("sub", user).put("iat", now - 7200).put("exp", now - 3600),
        new JWTOptions());
  }

  /** Signed with the right secret, with exactly {@code claims}: no expiry is added. */
  public String signed(JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions());
  }

  public String wrongSignature(String user) {
    return stranger.generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInSeconds(3600));
  }

  public String algNone(String user) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(new JsonObject().put("sub", user).encode().getBytes(StandardCharsets.UTF_8));
    return header + "." + claims + ".";
  }

  private static JWTAuth jwt(Vertx vertx, String secret) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
  }
}
