package io.llmgate.testing;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key pair made for one test, its public key as PEM and as a JWK, and JWTs signed with it by
 * java.security directly (not by the library under test), with any header and claims.
 */
public final class SigningKey {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final String algorithm;
  private final KeyPair pair;
  private final String kid;

  private SigningKey(String algorithm, KeyPair pair, String kid) {
    this.algorithm = algorithm;
    this.pair = pair;
    this.kid = kid;
  }

  public static SigningKey rsa(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new SigningKey("RS256", generator.generateKeyPair(), kid);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A P-256 key ({@code curve} secp256r1), or another curve for a key llmgate must refuse. */
  public static SigningKey ec(String kid, String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return new SigningKey("ES256", generator.generateKeyPair(), kid);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String kid() {
    return kid;
  }

  public String publicPem() {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** The public key as a JWK (RFC 7518 §6), with its kid. */
  public JsonObject jwk() {
    JsonObject jwk = new JsonObject().put("kid", kid).put("use", "sig");
    if (pair.getPublic() instanceof RSAPublicKey rsa) {
      return jwk.put("kty", "RSA").put("alg", "RS256")
          .put("n", unsigned(rsa.getModulus(), 0)).put("e", unsigned(rsa.getPublicExponent(), 0));
    }
    ECPublicKey ec = (ECPublicKey) pair.getPublic();
    return jwk.put("kty", "EC").put("crv", "P-256")
        .put("x", unsigned(ec.getW().getAffineX(), 32)).put("y", unsigned(ec.getW().getAffineY(), 32));
  }

  /** A token with this key's algorithm and kid. */
  public String sign(JsonObject claims) {
    return sign(new JsonObject().put("alg", algorithm).put("typ", "JWT").put("kid", kid), claims);
  }

  /** A token with exactly {@code header}, signed with this key's algorithm whatever the header says. */
  public String sign(JsonObject header, JsonObject claims) {
    String input = segment(header) + "." + segment(claims);
    try {
      Signature signature = Signature.getInstance(
          algorithm.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
      signature.initSign(pair.getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HS256 token whose HMAC key is {@code secret}: with the public PEM, the key-confusion attack. */
  public static String hs256(byte[] secret, JsonObject header, JsonObject claims) {
    String input = segment(header.copy().put("alg", "HS256")) + "." + segment(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + B64URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims for {@code user} valid for an hour from now. */
  public static JsonObject claims(String user) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", user).put("iat", now).put("exp", now + 3600);
  }

  private static String segment(JsonObject json) {
    return B64URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Big-endian bytes without the sign byte, left-padded to {@code length} (EC coordinates are fixed-size). */
  private static String unsigned(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (bytes.length < length) {
      byte[] padded = new byte[length];
      System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
      bytes = padded;
    }
    return B64URL.encodeToString(bytes);
  }
}
