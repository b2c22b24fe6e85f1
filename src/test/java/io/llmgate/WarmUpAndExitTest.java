package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.config.WarmupConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real process (Main) with {@code --warm-up-and-exit}, the training run of the class-data archive the
 * build makes: it warms itself up on loopback and exits 0, whatever the environment says; any other
 * argument stops the start with exit code 2.
 */
class WarmUpAndExitTest {

  private static Process main(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Ignored by the warm-up run: a build machine's variables must not shape the archive's training.
    builder.environment().put("LLMGATE_PORT", "not-a-port");
    return builder.start();
  }

  @Test
  void warmsUpAndExitsZero() throws Exception {
    Process process = main("--warm-up-and-exit");
    try {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exited").isTrue();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(output).contains("warm-up: " + WarmupConfig.DEFAULT.streams() + " streams in ").doesNotContain("listening on");
      assertThat(process.exitValue()).isZero();
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void anUnknownArgumentStopsTheStart() throws Exception {
    Process process = main("--port", "3000");
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(output).contains("llmgate: unknown arguments: --port 3000 (expected: none, or --warm-up-and-exit;");
      assertThat(process.exitValue()).isEqualTo(2);
    } finally {
      process.destroyForcibly();
    }
  }
}
