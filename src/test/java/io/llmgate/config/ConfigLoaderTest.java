package io.llmgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void resumeDefaultsWithoutAFile() {
    assertThat(ConfigLoader.load(Map.of()).resume()).isEqualTo(ResumeConfig.DEFAULT);
    assertThat(ResumeConfig.DEFAULT.window()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void resumeSettingsAreReadFromTheYamlFile() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"),
        "resume:\n  window: 90s\n  max-events-per-stream: 500\n  max-events: 20000\n  disconnect-grace: 0\n");

    ResumeConfig resume = ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).resume();

    assertThat(resume).isEqualTo(new ResumeConfig(Duration.ofSeconds(90), 500, 20_000, Duration.ZERO));
  }

  @Test
  void connectionStateRecoverySettingsAreReadFromTheYamlFile() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"),
        "socketio:\n  max-disconnection-duration: 0\n  recovery-packets: 50\n");

    SocketIoConfig socketIo = ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).socketIo();

    assertThat(socketIo.maxDisconnectionDuration()).isZero();
    assertThat(socketIo.recoveryPackets()).isEqualTo(50);
    assertThat(SocketIoConfig.DEFAULT.maxDisconnectionDuration()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aNonPositiveBoundIsRefusedAtStart() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), "resume:\n  max-events: 0\n");

    assertThatThrownBy(() -> ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class).hasMessage("resume.max-events: 0 (expected: > 0)");
  }

  @Test
  void withoutARedisUrlTheNodeIsStandalone() {
    assertThat(ConfigLoader.load(Map.of()).cluster().redisUrl()).isEmpty();
  }

  @Test
  void clusterSettingsComeFromTheFileAndTheEnvironmentWins() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"),
        "cluster:\n  redis-url: redis://file:6379\n  command-timeout: 250ms\n  heartbeat: 5s\n");

    ClusterConfig fromFile = ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).cluster();
    ClusterConfig fromEnv = ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString(),
        "LLMGATE_REDIS_URL", "redis://env:6380")).cluster();

    assertThat(fromFile.redisUrl()).contains("redis://file:6379");
    assertThat(fromFile.commandTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(fromFile.nodeTtl()).isEqualTo(Duration.ofSeconds(15));
    assertThat(fromEnv.redisUrl()).contains("redis://env:6380");
  }
}
