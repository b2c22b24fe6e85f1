package io.llmgate.auth;

import io.vertx.core.Future;

/** Turns a bearer credential into the user id (JWT {@code sub}) that owns streams and limits. */
public interface Authenticator {

  /**
   * Completes with the user id, or fails with a {@code GatewayException} of code {@code unauthorized}
   * whose message says why, starting with {@code "unauthorized: "}.
   */
  Future<String> authenticate(String token);
}
