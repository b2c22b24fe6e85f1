package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real process (Main) refuses to start on a wrong setting: one line on stderr naming it, exit code 2. */
class ConfigErrorExitTest {

  @Test
  void aPortThatIsNoNumberStopsTheStart() throws Exception {
    assertRefused(Map.of("LLMGATE_PORT", "abc"), "LLMGATE_PORT: \"abc\" (expected: an integer)");
  }

  /** Which keys of providers: name a provider is the provider descriptors' to say, checked as the gateway starts. */
  @Test
  void aProvidersSectionUnderNoProvidersNameStopsTheStart(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), "providers: {opneai: {default-model: gpt-4.1}}\n");
    assertRefused(Map.of("LLMGATE_CONFIG", file.toString()), "providers.opneai: unknown key (did you mean openai?)");
  }

  private static void assertRefused(Map<String, String> env, String message) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("LLMGATE_HOST", "127.0.0.1");
    Process server = builder.start();
    try {
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(output).contains("llmgate: configuration error: " + message).doesNotContain("listening on");
      assertThat(server.exitValue()).isEqualTo(2);
    } finally {
      server.destroyForcibly();
    }
  }
}
