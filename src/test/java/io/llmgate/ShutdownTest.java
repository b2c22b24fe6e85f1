package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.NodeTests;
import io.llmgate.testing.TestTokens;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The real process (Main) receives SIGTERM while a stream runs, drains, and exits 0. */
class ShutdownTest {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  @Test
  void sigtermDrainsStreamsAndExitsZero() throws Exception {
    Path config = Files.createTempFile("llmgate-", ".yaml");
    Files.writeString(config, "server:\n  drain-timeout: 1s\nlocal:\n  token-delay: 100ms\n");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true);
    builder.environment().putAll(Map.of("LLMGATE_PORT", "0", "LLMGATE_HOST", "127.0.0.1",
        "LLMGATE_JWT_SECRET", TestTokens.SECRET, "LLMGATE_CONFIG", config.toString()));
    Process server = builder.start();
    try {
      String url = awaitUrl(server);
      Vertx vertx = Vertx.vertx();
      String token = new TestTokens(vertx).valid("alice");
      vertx.close().await();

      NodeTests.run("shutdown.test.mjs", Map.of("LLMGATE_URL", url, "LLMGATE_PID", String.valueOf(server.pid()),
          "TOKEN", token));

      assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("exited after the drain").isTrue();
      assertThat(server.exitValue()).isZero();
    } finally {
      server.destroyForcibly();
      Files.deleteIfExists(config);
    }
  }

  private static String awaitUrl(Process server) throws Exception {
    BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = output.readLine()) != null) {
      Matcher listening = LISTENING.matcher(line);
      if (listening.find()) {
        Thread drainer = new Thread(() -> output.lines().forEach(l -> { }));
        drainer.setDaemon(true);
        drainer.start();
        return listening.group(1);
      }
    }
    throw new AssertionError("server exited before listening");
  }
}
