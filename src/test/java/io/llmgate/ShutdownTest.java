package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.GatewayProcess;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.TestTokens;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real process (Main) receives SIGTERM while a stream runs, drains, and exits 0. */
class ShutdownTest {
  @Test
  void sigtermDrainsStreamsAndExitsZero() throws Exception {
    try (GatewayProcess server = GatewayProcess.start("server:\n  drain-timeout: 1s\nlocal:\n  token-delay: 100ms\n",
        Map.of())) {
      Vertx vertx = Vertx.vertx();
      String token = new TestTokens(vertx).valid("alice");
      vertx.close().await();

      NodeTests.run("shutdown.test.mjs", Map.of("LLMGATE_URL", server.url(), "LLMGATE_PID",
          String.valueOf(server.pid()), "TOKEN", token));

      assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).as("exited after the drain").isTrue();
      assertThat(server.process().exitValue()).isZero();
    }
  }
}
