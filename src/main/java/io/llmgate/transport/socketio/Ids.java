package io.llmgate.transport.socketio;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable ids: a session id is the only credential a polling request carries. */
final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private Ids() {}

  /** 120 random bits as 20 URL-safe characters. */
  static String next() {
    byte[] bytes = new byte[15];
    RANDOM.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
