package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.llmgate.config.GatewayConfig;
import io.llmgate.provider.FakeUpstream;
import io.llmgate.provider.FakeUpstream.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An upstream whose 401 body echoes the provider key at the point where llmgate cuts upstream messages
 * (300 characters): no part of the key reaches a client, the log or {@code /metrics}.
 */
class KeyLeakTest {
  private static final String SECRET = "key-leak-test-secret-0123456789abcdef";
  private static final String KEY = "sk-proj-LeAkEdKeY0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
  // The first 24 characters of the key (the part the old cut-then-redact passed on), and its tail.
  private static final String KEY_HEAD = KEY.substring(0, 24);
  private static final String KEY_TAIL = KEY.substring(KEY.length() - 12);
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
  private Vertx vertx;
  private FakeUpstream openai;
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    logLines.start();
    root.addAppender(logLines);
    vertx = Vertx.vertx();
    openai = FakeUpstream.start(vertx);
    GatewayConfig config = GatewayConfig.defaults(0).withJwtSecret(Optional.of(SECRET))
        .withEnv(Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", openai.baseUrl() + "/v1"));
    gateway = Gateway.start(vertx, config).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    root.detachAppender(logLines);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Like OpenAI's own 401, with the whole key where a 300-character cut falls inside it. */
  private void enqueueEchoingUnauthorized() {
    String message = "Incorrect API key provided. " + "word ".repeat(50) + KEY + ". See the docs.";
    openai.enqueue(Reply.status(401).body(new JsonObject().put("error", new JsonObject()
        .put("message", message).put("type", "invalid_request_error").put("code", "invalid_api_key")).encode()));
  }

  private String exchange(HttpMethod method, String uri, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(gateway.port())
        .setURI(uri).putHeader("Authorization", "Bearer " + gateway.authenticator().issue("leak-user", 3600))
        .putHeader("Content-Type", "application/json");
    return vertx.createHttpClient().request(options)
        .compose(request -> (body == null ? request.send() : request.send(body.toBuffer()))
            .compose(response -> response.body().map(b -> response.statusCode() + " " + b)))
        .await(20, TimeUnit.SECONDS);
  }

  private static JsonArray hello() {
    return new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"));
  }

  private static void assertNoPartOfTheKey(String where, String text) {
    assertThat(text).as(where).doesNotContain(KEY_HEAD).doesNotContain(KEY_TAIL).doesNotContain("sk-proj-");
  }

  @Test
  void anUpstreamEchoingTheKeyLeaksNoPartOfIt() throws Exception {
    enqueueEchoingUnauthorized();
    String completion = exchange(HttpMethod.POST, "/v1/chat/completions",
        new JsonObject().put("model", "openai/gpt-4o-mini").put("messages", hello()));
    assertThat(completion).startsWith("502 ").contains("HTTP 401").contains("***");
    assertNoPartOfTheKey("OpenAI API 502 body", completion);

    enqueueEchoingUnauthorized();
    String events = exchange(HttpMethod.POST, "/v1/streams",
        new JsonObject().put("sessionId", "leak-1").put("provider", "openai").put("messages", hello()));
    assertThat(events).contains("event: llm:stream:error").contains("HTTP 401");
    assertNoPartOfTheKey("SSE error event", events);

    assertNoPartOfTheKey("/metrics", exchange(HttpMethod.GET, "/metrics", null));
    StringBuilder log = new StringBuilder();
    logLines.list.forEach(line -> log.append(line.getFormattedMessage()).append('\n'));
    assertThat(log).as("the stream log saw the failures").contains("HTTP 401");
    assertNoPartOfTheKey("log", log.toString());
  }
}
