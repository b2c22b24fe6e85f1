package io.llmgate.transport;

import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/** The credential of an {@code Authorization: Bearer …} header: the one place HTTP clients put a token. */
public final class Bearer {
  private static final String PREFIX = "bearer ";

  private Bearer() {}

  /**
   * The token, or an empty string when the header is missing or not a bearer one; the authenticator
   * refuses an empty token with {@code unauthorized: missing token}.
   */
  public static String token(HttpServerRequest request) {
    return token(request.getHeader("Authorization"));
  }

  static String token(String header) {
    if (header == null || header.length() <= PREFIX.length()
        || !header.substring(0, PREFIX.length()).toLowerCase(Locale.ROOT).equals(PREFIX)) {
      return "";
    }
    return header.substring(PREFIX.length()).trim();
  }
}
