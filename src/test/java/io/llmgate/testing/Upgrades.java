package io.llmgate.testing;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.TimeUnit;

/** WebSocket upgrades a test expects the server to refuse. */
public final class Upgrades {
  private Upgrades() {}

  /** The refusal of the upgrade {@code options} asks for; an accepted upgrade fails the test. */
  public static UpgradeRejectedException rejected(WebSocketClient client, WebSocketConnectOptions options) {
    try {
      client.connect(options).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof UpgradeRejectedException rejected) {
          return rejected;
        }
      }
      throw new AssertionError("not a rejected upgrade", e);
    }
    throw new AssertionError("upgrade was accepted");
  }
}
