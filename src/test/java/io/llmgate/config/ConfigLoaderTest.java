package io.llmgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        "resume:\n  window: 90s\n  max-events-per-stream: 500\n  max-events: 20000\n  disconnect-grace: 0\n"
            + "  max-chars-per-stream: 4096\n");

    ResumeConfig resume = ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).resume();

    assertThat(resume).isEqualTo(new ResumeConfig(Duration.ofSeconds(90), 500, 20_000, Duration.ZERO, 4096));
  }

  @Test
  void theStreamMemoryCapsAreReadAndCheckedAtStart() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), "limits:\n  max-full-response: 2048\n");
    assertThat(ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).limits().maxFullResponseChars())
        .isEqualTo(2048);
    assertThat(ConfigLoader.load(Map.of()).limits().maxFullResponseChars()).isEqualTo(1_000_000);
    assertThat(ConfigLoader.load(Map.of()).resume().maxCharsPerStream()).isEqualTo(1_000_000);

    Files.writeString(file, "limits:\n  max-full-response: 0\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class).hasMessage("limits.max-full-response: 0 (expected: > 0)");
    Files.writeString(file, "resume:\n  max-chars-per-stream: 1MB\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("resume.max-chars-per-stream: \"1MB\" (expected: an integer)");
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
  void warmupSettingsAreReadFromTheYamlFile() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"),
        "warmup:\n  streams: 90\n  concurrency: 3\n  max-duration: 7s\n  jit-settle: 0\n");

    assertThat(ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).warmup())
        .isEqualTo(new WarmupConfig(90, 3, Duration.ofSeconds(7), Duration.ZERO));
    assertThat(ConfigLoader.load(Map.of()).warmup()).isEqualTo(WarmupConfig.DEFAULT);
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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # what the file says                              | what stops the start
      server: {port: three thousand}                    | server.port: "three thousand" (expected: an integer)
      server: {port: '3000'}                            | server.port: "3000" (expected: an integer)
      limits: {messages-per-minute: sixty}              | limits.messages-per-minute: "sixty" (expected: an integer)
      limits: {max-request-bytes: 1.5}                  | limits.max-request-bytes: 1.5 (expected: an integer)
      local: {temperature: warm}                        | local.temperature: "warm" (expected: a number)
      api: {default-model: 7}                           | api.default-model: 7 (expected: a non-empty string)
      limits: 60                                        | limits: 60 (expected: a map)
      server: {port: 70000}                             | server.port: 70000 (expected: 0..65535)
      limits: {concurrent-streams: 0}                   | limits.concurrent-streams: 0 (expected: > 0)
      local: {temperature: 2.5}                         | local.temperature: 2.5 (expected: a number from 0 to 2)
      local: {top-p: 0}                                 | local.top-p: 0.0 (expected: a number > 0 and <= 1)
      limits: {concurent-streams: 4}                    | limits.concurent-streams: unknown key (did you mean concurrent-streams?)
      server: {listen: 80}                              | server.listen: unknown key (expected one of: drain-timeout, host, port)
      limit: {concurrent-streams: 4}                    | limit: unknown key (did you mean limits?)
      api: {heartbeat: 15 seconds}                      | api.heartbeat: "15 seconds" (expected: a duration like 500ms, 30s, 10m)
      resume: {window: -5m}                             | resume.window: "-5m" (expected: a duration like 500ms, 30s, 10m)
      server: {drain-timeout: 1.5}                      | server.drain-timeout: 1.5 (expected: a duration like 500ms, 30s, 10m)
      cluster: {heartbeat: 99999999999999999999h}       | cluster.heartbeat: "99999999999999999999h" (expected: a duration like 500ms, 30s, 10m)
      providers: {openai: {fallbak: [claude]}}          | providers.openai.fallbak: unknown key (did you mean fallback?)
      providers: {timeout: {connect: 2s}}               | providers.timeout: unknown key (did you mean timeouts?)
      providers: {openai: [gpt-4.1]}                    | providers.openai: ["gpt-4.1"] (expected: a map)
      providers: {http2: "on"}                          | providers.http2: "on" (expected: true or false)
      warmup: {jit-settle: -5ms}                        | warmup.jit-settle: "-5ms" (expected: a duration like 500ms, 30s, 10m)
      warmup: {jit-setle: 20ms}                         | warmup.jit-setle: unknown key (did you mean jit-settle?)
      """)
  void aWrongValueStopsTheStartNamingIt(String yaml, String message) throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), yaml);

    assertThatThrownBy(() -> ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      LLMGATE_PORT  | abc  | LLMGATE_PORT: "abc" (expected: an integer)
      LLMGATE_PORT  | 3e3  | LLMGATE_PORT: "3e3" (expected: an integer)
      LLMGATE_PORT  | -1   | LLMGATE_PORT: -1 (expected: 0..65535)
      LLMGATE_PROT  | 3001 | LLMGATE_PROT: unknown variable (did you mean LLMGATE_PORT?)
      LLMGATE_JWT_SECRETT | s | LLMGATE_JWT_SECRETT: unknown variable (did you mean LLMGATE_JWT_SECRET?)
      """)
  void aWrongEnvironmentVariableStopsTheStartNamingIt(String name, String value, String message) {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(name, value)))
        .isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void theEnvironmentWinsOverTheFileWhoseValueMustStillBeRight() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), "server: {port: 4000}\n");
    Path wrong = Files.writeString(dir.resolve("wrong.yaml"), "server: {port: four thousand}\n");

    assertThat(ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).port()).isEqualTo(4000);
    assertThat(ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString(), "LLMGATE_PORT", " 5000 ")).port())
        .isEqualTo(5000);
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("LLMGATE_CONFIG", wrong.toString(), "LLMGATE_PORT", "5000")))
        .hasMessage("server.port: \"four thousand\" (expected: an integer)");
  }

  @Test
  void otherLlmgateVariablesOfTheScriptsAndABlankValueAreLeftAlone() {
    GatewayConfig config = ConfigLoader.load(Map.of("LLMGATE_URL", "http://127.0.0.1:3000", "LLMGATE_TOKEN", "t",
        "LLMGATE_JAVA_OPTS", "-Xmx1g", "LLMGATE_LOG_LEVEL", "DEBUG", "LLMGATE_PORT", ""));

    assertThat(config.port()).isEqualTo(GatewayConfig.DEFAULT_PORT);
  }

  @Test
  void aFileThatIsNoMapOfSectionsIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), "- server\n- limits\n");

    assertThatThrownBy(() -> ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("LLMGATE_CONFIG: " + file + " holds no map (expected: a map of sections: api, auth, cluster,"
            + " limits, local, providers, resume, security, server, socketio, warmup)");
  }

  /** The example in docs/configuration.md is a file llmgate starts with, and says the defaults. */
  @Test
  void theDocumentedExampleLoadsAndStatesTheDefaults() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), firstYamlBlock("docs/configuration.md"));

    GatewayConfig config = ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString()));
    GatewayConfig defaults = ConfigLoader.load(Map.of());

    assertThat(config.port()).isEqualTo(defaults.port());
    assertThat(config.limits()).isEqualTo(defaults.limits());
    assertThat(config.socketIo()).isEqualTo(defaults.socketIo());
    assertThat(config.api()).isEqualTo(defaults.api());
    assertThat(config.resume()).isEqualTo(defaults.resume());
    assertThat(config.drainTimeout()).isEqualTo(defaults.drainTimeout());
    assertThat(config.local().temperature()).isEqualTo(defaults.local().temperature());
    assertThat(config.cluster().heartbeat()).isEqualTo(defaults.cluster().heartbeat());
  }

  @Test
  void theProvidersExampleOfDocsProvidersLoads() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"), firstYamlBlock("docs/providers.md"));

    ProvidersSettings providers = ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).providers();

    assertThat(providers.of("openai").retry().maxAttempts()).isEqualTo(2);
    assertThat(providers.of("openai").timeouts().firstToken()).isEqualTo(Duration.ofMinutes(20));
    assertThat(providers.compatible()).extracting(CompatibleProviderSettings::name)
        .containsExactly("ollama", "openrouter", "vllm");
    assertThat(providers.compatible().get(2).apiKeyFile()).contains("/run/secrets/vllm-key");
    assertThat(providers.http2()).as("HTTP/1.1 to the providers unless opted into").isFalse();
  }

  private static String firstYamlBlock(String doc) throws Exception {
    String text = Files.readString(Path.of(doc));
    int start = text.indexOf("```yaml\n") + "```yaml\n".length();
    return text.substring(start, text.indexOf("```", start));
  }

  @Test
  void allowedOriginsComeFromAYamlListOrTheEnvironmentAndBadOnesStopTheStart() throws Exception {
    Path file = Files.writeString(dir.resolve("llmgate.yaml"),
        "security:\n  allowed-origins:\n    - https://App.example\n    - http://localhost:5173\n");

    assertThat(ConfigLoader.load(Map.of()).security().allowedOrigins()).isEmpty();
    assertThat(ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString())).security().allowedOrigins())
        .containsExactly("https://app.example", "http://localhost:5173");
    assertThat(ConfigLoader.load(Map.of("LLMGATE_CONFIG", file.toString(),
        "LLMGATE_ALLOWED_ORIGINS", "https://a.example, https://b.example:8443")).security().allowedOrigins())
        .containsExactly("https://a.example", "https://b.example:8443");
    for (String bad : new String[] {"https://app.example/chat", "app.example", "null", "ftp://x.example"}) {
      assertThatThrownBy(() -> ConfigLoader.load(Map.of("LLMGATE_ALLOWED_ORIGINS", bad)))
          .isInstanceOf(ConfigException.class).hasMessage("security.allowed-origins: \"" + bad
              + "\" (expected: an origin such as https://app.example.com, without a path, or *)");
    }
  }
}
