package io.llmgate.transport.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.stream.FinishReason;
import io.llmgate.testing.NodeTests;
import io.llmgate.testing.Script;
import io.llmgate.testing.TestGateway;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page in Debian's chromium (interop/chat-page.test.mjs, playwright-core). Drives the page over
 * the plain WebSocket, and over Socket.IO too once the gateway serves it. Screenshots go to
 * target/screenshots/.
 */
class ChatPageBrowserTest {
  // Slow enough that a reconnect (about a second) falls inside the answer even on a loaded machine.
  private static final Script PACED = Script.upstream().every(100).opened("script-1").tokens(50)
      .finish(FinishReason.STOP);
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    gateway.upstream()
        .script("hello", Script.upstream().every(40).opened("script-1").reasoning("thinking")
            .text("Hel", "lo", " world").usage(3, 3).finish(FinishReason.STOP))
        .script("tools", Script.upstream().every(20).opened("script-1").text("Checking.")
            .toolCall(0, "call_a", "get_weather", "").toolCall(1, "call_b", "get_time", "{\"tz\":\"")
            .toolArguments(0, "{\"city\":").toolArguments(1, "\ud83c").toolArguments(1, "\udf0d\"}")
            .toolArguments(0, "\"Paris\"}").finish(FinishReason.TOOL_CALLS))
        .script("long", Script.upstream().every(60).opened("script-1").tokens(400).finish(FinishReason.STOP))
        .script("paced", PACED)
        .script("fail-after-first", Script.upstream().every(20).opened("script-1").text("partial")
            .fail(ErrorCode.UPSTREAM_ERROR, "upstream reset the connection"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void chatPageStreamsStopsAndShowsErrorsInARealBrowser() throws Exception {
    List<String> transports = new ArrayList<>(List.of("websocket"));
    if (servesSocketIo()) {
      transports.add(0, "socketio");
    }
    NodeTests.run("chat-page.test.mjs", Map.of(
        "LLMGATE_URL", gateway.url(),
        "LLMGATE_TOKEN", gateway.token("dev-user"),
        "CHAT_TRANSPORTS", String.join(",", transports),
        "PACED_ANSWER", PACED.answerText(),
        "SCREENSHOT_DIR", Path.of("target/screenshots").toAbsolutePath().toString()));
    for (String prompt : transports.stream().map(t -> "long#page-" + t).toList()) {
      gateway.upstream().awaitGeneration(prompt, 0, java.time.Duration.ofSeconds(5))
          .awaitCancelled(java.time.Duration.ofSeconds(5));
    }
    // The answer the page completed after its connection dropped was generated once, never cancelled.
    for (String prompt : transports.stream().map(t -> "paced#page-reconnect-" + t).toList()) {
      assertThat(gateway.upstream().generations(prompt)).singleElement()
          .satisfies(generation -> assertThat(generation.isCancelled()).isFalse());
    }
  }

  /** An Engine.IO handshake answers 200 once the Socket.IO layer is mounted. */
  private static boolean servesSocketIo() throws Exception {
    HttpClient http = gateway.vertx().createHttpClient();
    try {
      return http.request(new RequestOptions().setHost("127.0.0.1").setPort(gateway.port())
              .setURI("/socket.io/?EIO=4&transport=polling"))
          .compose(request -> request.send()).map(response -> response.statusCode() == 200)
          .await(10, TimeUnit.SECONDS);
    } finally {
      http.close();
    }
  }
}
