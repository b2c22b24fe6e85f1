package io.llmgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads {@link GatewayConfig} from the environment and the optional YAML file named by
 * {@code LLMGATE_CONFIG}; environment variables win. Every key is documented in docs/configuration.md.
 * Every section is read strictly ({@link Settings}): a value of the wrong type, out of range or under an
 * unknown key stops the start with a {@link ConfigException} that names it.
 */
public final class ConfigLoader {
  private static final Set<String> SECTIONS =
      Set.of("server", "limits", "local", "socketio", "api", "resume", "cluster", "security", "auth",
          "warmup", "providers");

  private ConfigLoader() {}

  public static GatewayConfig load(Map<String, String> variables) {
    Environment env = new Environment(variables);
    Settings file = new Settings(env.text("LLMGATE_CONFIG").map(ConfigLoader::readYaml).orElseGet(JsonObject::new),
        "", SECTIONS);
    Settings server = file.object("server", Set.of("host", "port", "drain-timeout"));
    GatewayConfig config = new GatewayConfig(
        env.text("LLMGATE_HOST").orElse(server.text("host").orElse(GatewayConfig.DEFAULT_HOST)),
        port(env, server),
        env.text("LLMGATE_JWT_SECRET"),
        env.text("LLMGATE_API_KEY"),
        limits(file.object("limits", Set.of("messages-per-minute", "concurrent-streams", "max-request-bytes",
            "connections-per-user", "max-connections", "max-full-response"))),
        server.duration("drain-timeout", GatewayConfig.DEFAULT_DRAIN_TIMEOUT),
        local(file.object("local",
            Set.of("checkpoint", "tokenizer", "token-delay", "max-tokens", "temperature", "top-p"))),
        socketIo(file.object("socketio", Set.of("ping-interval", "ping-timeout", "connect-timeout", "max-payload",
            "max-disconnection-duration", "recovery-packets", "recovery-max-bytes"))),
        api(env, file.object("api", Set.of("default-model", "heartbeat", "body-timeout", "header-timeout"))),
        resume(file.object("resume", Set.of("window", "max-events-per-stream", "max-events", "disconnect-grace",
            "max-chars-per-stream"))),
        cluster(env, file.object("cluster", Set.of("redis-url", "command-timeout", "heartbeat"))),
        security(env, file.object("security", Set.of("allowed-origins"))),
        AuthConfig.read(file.object("auth", AuthConfig.KEYS)),
        warmup(file.object("warmup", Set.of("streams", "concurrency", "max-duration", "jit-settle"))),
        ProvidersSettings.read(file.namedObjects("providers")),
        variables);
    env.refuseMisspelt();
    return config;
  }

  /** The file's value is checked even when the environment's wins, so a wrong one never lies in wait. */
  private static int port(Environment env, Settings server) {
    int fromFile = Checks.port(server.key("port"), server.integer("port", GatewayConfig.DEFAULT_PORT));
    OptionalInt fromEnv = env.integer("LLMGATE_PORT");
    return fromEnv.isPresent() ? Checks.port("LLMGATE_PORT", fromEnv.getAsInt()) : fromFile;
  }

  private static Limits limits(Settings in) {
    return new Limits(in.integer("messages-per-minute", Limits.DEFAULT.messagesPerWindow()), Limits.DEFAULT.window(),
        in.integer("concurrent-streams", Limits.DEFAULT.concurrentStreams()),
        in.integer("max-request-bytes", Limits.DEFAULT.maxRequestBytes()),
        in.integer("connections-per-user", Limits.DEFAULT.connectionsPerUser()),
        in.integer("max-connections", Limits.DEFAULT.maxConnections()),
        in.integer("max-full-response", Limits.DEFAULT.maxFullResponseChars()));
  }

  private static LocalModelConfig local(Settings in) {
    LocalModelConfig defaults = LocalModelConfig.DEFAULT;
    return new LocalModelConfig(in.text("checkpoint"), in.text("tokenizer"),
        in.duration("token-delay", defaults.tokenDelay()), in.integer("max-tokens", defaults.maxTokens()),
        in.number("temperature", defaults.temperature()), in.number("top-p", defaults.topP()));
  }

  private static SocketIoConfig socketIo(Settings in) {
    SocketIoConfig defaults = SocketIoConfig.DEFAULT;
    return new SocketIoConfig(in.duration("ping-interval", defaults.pingInterval()),
        in.duration("ping-timeout", defaults.pingTimeout()), in.duration("connect-timeout", defaults.connectTimeout()),
        in.integer("max-payload", defaults.maxPayload()),
        in.duration("max-disconnection-duration", defaults.maxDisconnectionDuration()),
        in.integer("recovery-packets", defaults.recoveryPackets()),
        in.integer("recovery-max-bytes", defaults.recoveryMaxBytes()));
  }

  private static ApiConfig api(Environment env, Settings in) {
    ApiConfig defaults = ApiConfig.DEFAULT;
    return new ApiConfig(
        env.text("LLMGATE_DEFAULT_MODEL").orElse(in.text("default-model").orElse(defaults.defaultModel())),
        in.duration("heartbeat", defaults.heartbeat()), in.duration("body-timeout", defaults.bodyTimeout()),
        in.duration("header-timeout", defaults.headerTimeout()));
  }

  private static ResumeConfig resume(Settings in) {
    ResumeConfig defaults = ResumeConfig.DEFAULT;
    return new ResumeConfig(in.duration("window", defaults.window()),
        in.integer("max-events-per-stream", defaults.maxEventsPerStream()),
        in.integer("max-events", defaults.maxEvents()), in.duration("disconnect-grace", defaults.disconnectGrace()),
        in.integer("max-chars-per-stream", defaults.maxCharsPerStream()));
  }

  private static ClusterConfig cluster(Environment env, Settings in) {
    ClusterConfig defaults = ClusterConfig.STANDALONE;
    Optional<String> fromFile = in.text("redis-url");
    return new ClusterConfig(env.text("LLMGATE_REDIS_URL").or(() -> fromFile),
        in.duration("command-timeout", defaults.commandTimeout()), in.duration("heartbeat", defaults.heartbeat()));
  }

  /** The environment's form is one comma-separated string; the file's a list. */
  private static SecurityConfig security(Environment env, Settings in) {
    List<String> fromFile = in.texts("allowed-origins");
    return new SecurityConfig(env.text("LLMGATE_ALLOWED_ORIGINS")
        .map(origins -> Arrays.stream(origins.split(",")).filter(origin -> !origin.isBlank()).toList())
        .orElse(fromFile));
  }

  private static WarmupConfig warmup(Settings in) {
    WarmupConfig defaults = WarmupConfig.DEFAULT;
    return new WarmupConfig(in.integer("streams", defaults.streams()), in.integer("concurrency", defaults.concurrency()),
        in.duration("max-duration", defaults.maxDuration()), in.duration("jit-settle", defaults.jitSettle()));
  }

  private static JsonObject readYaml(String file) {
    JsonNode node;
    try {
      node = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(Path.of(file)));
    } catch (IOException e) {
      throw new ConfigException("LLMGATE_CONFIG: cannot read " + file + " (" + e.getMessage() + ")");
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return new JsonObject();
    }
    if (!node.isObject()) {
      throw new ConfigException("LLMGATE_CONFIG: " + file + " holds no map"
          + " (expected: a map of sections: " + String.join(", ", SECTIONS.stream().sorted().toList()) + ")");
    }
    return new JsonObject(node.toString());
  }
}
