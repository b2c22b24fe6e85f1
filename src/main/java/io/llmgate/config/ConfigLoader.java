package io.llmgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@link GatewayConfig} from the environment and the optional YAML file named by
 * {@code LLMGATE_CONFIG}; environment variables win. Every key is documented in docs/configuration.md.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  public static GatewayConfig load(Map<String, String> env) {
    JsonNode yaml = Optional.ofNullable(env.get("LLMGATE_CONFIG")).map(ConfigLoader::readYaml)
        .orElseGet(() -> new ObjectMapper().createObjectNode());
    JsonNode server = yaml.path("server");
    JsonNode limits = yaml.path("limits");
    JsonNode local = yaml.path("local");
    JsonNode socketIo = yaml.path("socketio");
    JsonNode api = yaml.path("api");
    JsonNode resume = yaml.path("resume");
    JsonNode cluster = yaml.path("cluster");
    return new GatewayConfig(
        env.getOrDefault("LLMGATE_HOST", server.path("host").asText(GatewayConfig.DEFAULT_HOST)),
        intOf("LLMGATE_PORT", env.get("LLMGATE_PORT"), server.path("port").asInt(GatewayConfig.DEFAULT_PORT)),
        nonBlank(env.get("LLMGATE_JWT_SECRET")),
        nonBlank(env.get("LLMGATE_API_KEY")),
        new Limits(
            limits.path("messages-per-minute").asInt(Limits.DEFAULT.messagesPerWindow()),
            Limits.DEFAULT.window(),
            limits.path("concurrent-streams").asInt(Limits.DEFAULT.concurrentStreams()),
            limits.path("max-request-bytes").asInt(Limits.DEFAULT.maxRequestBytes())),
        duration("server.drain-timeout", server.path("drain-timeout"), GatewayConfig.DEFAULT_DRAIN_TIMEOUT),
        new LocalModelConfig(
            text(local.path("checkpoint")),
            text(local.path("tokenizer")),
            duration("local.token-delay", local.path("token-delay"), LocalModelConfig.DEFAULT.tokenDelay()),
            local.path("max-tokens").asInt(LocalModelConfig.DEFAULT.maxTokens()),
            local.path("temperature").asDouble(LocalModelConfig.DEFAULT.temperature()),
            local.path("top-p").asDouble(LocalModelConfig.DEFAULT.topP())),
        new SocketIoConfig(
            duration("socketio.ping-interval", socketIo.path("ping-interval"), SocketIoConfig.DEFAULT.pingInterval()),
            duration("socketio.ping-timeout", socketIo.path("ping-timeout"), SocketIoConfig.DEFAULT.pingTimeout()),
            duration("socketio.connect-timeout", socketIo.path("connect-timeout"),
                SocketIoConfig.DEFAULT.connectTimeout()),
            socketIo.path("max-payload").asInt(SocketIoConfig.DEFAULT.maxPayload()),
            duration("socketio.max-disconnection-duration", socketIo.path("max-disconnection-duration"),
                SocketIoConfig.DEFAULT.maxDisconnectionDuration()),
            socketIo.path("recovery-packets").asInt(SocketIoConfig.DEFAULT.recoveryPackets())),
        new ApiConfig(
            env.getOrDefault("LLMGATE_DEFAULT_MODEL", api.path("default-model").asText(ApiConfig.DEFAULT.defaultModel())),
            duration("api.heartbeat", api.path("heartbeat"), ApiConfig.DEFAULT.heartbeat()),
            duration("api.body-timeout", api.path("body-timeout"), ApiConfig.DEFAULT.bodyTimeout())),
        new ResumeConfig(
            duration("resume.window", resume.path("window"), ResumeConfig.DEFAULT.window()),
            resume.path("max-events-per-stream").asInt(ResumeConfig.DEFAULT.maxEventsPerStream()),
            resume.path("max-events").asInt(ResumeConfig.DEFAULT.maxEvents()),
            duration("resume.disconnect-grace", resume.path("disconnect-grace"),
                ResumeConfig.DEFAULT.disconnectGrace())),
        new ClusterConfig(
            nonBlank(env.get("LLMGATE_REDIS_URL")).or(() -> text(cluster.path("redis-url"))),
            duration("cluster.command-timeout", cluster.path("command-timeout"),
                ClusterConfig.STANDALONE.commandTimeout()),
            duration("cluster.heartbeat", cluster.path("heartbeat"), ClusterConfig.STANDALONE.heartbeat())),
        yaml.has("providers") ? new JsonObject(yaml.get("providers").toString()) : new JsonObject(),
        env);
  }

  private static JsonNode readYaml(String file) {
    try {
      JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(Path.of(file)));
      return node == null ? new ObjectMapper().createObjectNode() : node;
    } catch (IOException e) {
      throw new ConfigException("LLMGATE_CONFIG: cannot read " + file + " (" + e.getMessage() + ")");
    }
  }

  /** Accepts "30s", "20ms", "5m", "1h", or a bare number of milliseconds. */
  static Duration duration(String key, JsonNode node, Duration fallback) {
    if (node.isMissingNode() || node.isNull()) {
      return fallback;
    }
    try {
      return Durations.parse(key, node.asText());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static int intOf(String key, String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": \"" + value + "\" (expected: an integer)");
    }
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() ? nonBlank(node.asText()) : Optional.empty();
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
