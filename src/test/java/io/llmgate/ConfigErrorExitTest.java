package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real process (Main) refuses to start on a wrong setting: one line on stderr naming it, exit code 2. */
class ConfigErrorExitTest {

  @Test
  void aPortThatIsNoNumberStopsTheStart() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true);
    builder.environment().put("LLMGATE_PORT", "abc");
    builder.environment().put("LLMGATE_HOST", "127.0.0.1");
    Process server = builder.start();
    try {
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(output).contains("llmgate: configuration error: LLMGATE_PORT: \"abc\" (expected: an integer)")
          .doesNotContain("listening on");
      assertThat(server.exitValue()).isEqualTo(2);
    } finally {
      server.destroyForcibly();
    }
  }
}
