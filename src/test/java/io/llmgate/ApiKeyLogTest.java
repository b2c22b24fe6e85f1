package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.llmgate.config.ConfigLoader;
import io.llmgate.config.GatewayConfig;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.Script;
import io.llmgate.testing.TestGateway;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The plain keys of an {@code auth.api-keys-file} (a mounted secret) never reach the log, at any level, while
 * the gateway starts, admits both services, refuses a key that is one character off and stops; nor does the
 * environment's {@code LLMGATE_API_KEY}.
 */
class ApiKeyLogTest {
  private static final String KEY_A = "sk-svc-a-LoGgEdKeY-0123456789abcdefghij";
  private static final String KEY_B = "sk-svc-b-LoGgEdKeY-0123456789abcdefghij";
  private static final String LEGACY = "sk-legacy-LoGgEdKeY-0123456789abcdefghij";
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
  private Level rootLevel;
  private TestGateway gateway;
  private HttpClient http;

  @TempDir
  Path dir;

  @BeforeEach
  void start() throws Exception {
    rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    logLines.start();
    root.addAppender(logLines);
    Path keys = Files.writeString(dir.resolve("keys.yaml"), "- user: svc-a\n  key: " + KEY_A + "\n"
        + "- user: svc-b\n  key: " + KEY_B + "\n");
    Path config = Files.writeString(dir.resolve("llmgate.yaml"), "auth:\n  api-keys-file: " + keys + "\n");
    GatewayConfig loaded = ConfigLoader.load(Map.of("LLMGATE_CONFIG", config.toString(), "LLMGATE_API_KEY", LEGACY));
    gateway = TestGateway.start(c -> c.withAuth(loaded.auth()).withApiKey(loaded.apiKey()));
    gateway.upstream().script("hi", Script.upstream().opened("script-1").text("ok").finish(FinishReason.STOP));
    http = gateway.vertx().createHttpClient();
  }

  @AfterEach
  void stop() {
    gateway.close();
    root.detachAppender(logLines);
    root.setLevel(rootLevel);
  }

  @Test
  void plainKeysNeverReachTheLog() throws Exception {
    assertThat(complete(KEY_A)).startsWith("200 ");
    assertThat(complete(KEY_B)).startsWith("200 ");
    assertThat(complete(LEGACY)).startsWith("200 ");
    assertThat(complete(KEY_A.substring(0, KEY_A.length() - 1) + "X"))
        .startsWith("401 ").contains("unauthorized: malformed token (expected: header.payload.signature)");
    gateway.close();

    List<String> lines = logLines.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
    assertThat(lines).as("something was logged at all").isNotEmpty();
    assertThat(lines).noneMatch(line -> line.contains("LoGgEdKeY"));
  }

  private String complete(String key) throws Exception {
    JsonObject body = new JsonObject().put("model", "scripted").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi")));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(gateway.port()).setURI("/v1/chat/completions").putHeader("Authorization", "Bearer " + key);
    return http.request(options).compose(request -> request.send(body.toBuffer())
        .compose(response -> response.body().map(b -> response.statusCode() + " " + b)))
        .await(10, TimeUnit.SECONDS);
  }
}
