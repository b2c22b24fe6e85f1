package io.llmgate.config;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A public key that client JWTs may be signed with, and the one algorithm it verifies: an RSA key RS256, a
 * P-256 EC key ES256. The algorithm follows from the key so a token cannot pick another one for it.
 */
public record PublicKeyPem(String algorithm, String pem) {
  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  /** Reads a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo), refusing at start anything else. */
  public static PublicKeyPem parse(String setting, String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith(BEGIN) || !trimmed.endsWith(END)) {
      throw new ConfigException(setting + ": not a PEM public key (expected: \"" + BEGIN + "\" … \"" + END
          + "\", e.g. from `openssl pkey -pubout`)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(trimmed.substring(BEGIN.length(), trimmed.length() - END.length()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting + ": the PEM body is not base64 (" + e.getMessage() + ")");
    }
    PublicKey key = decode(setting, der);
    String pem = BEGIN + "\n" + Base64.getMimeEncoder().encodeToString(der) + "\n" + END + "\n";
    return new PublicKeyPem(algorithmOf(setting, key), pem);
  }

  private static PublicKey decode(String setting, byte[] der) {
    for (String type : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not a key of this type: try the next
      }
    }
    throw new ConfigException(setting + ": not an RSA or EC public key");
  }

  private static String algorithmOf(String setting, PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits != 256) {
        throw new ConfigException(setting + ": an EC key of " + bits + " bits (expected: a P-256 key for ES256)");
      }
      return "ES256";
    }
    return "RS256";
  }
}
