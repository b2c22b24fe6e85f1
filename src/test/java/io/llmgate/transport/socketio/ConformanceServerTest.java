package io.llmgate.transport.socketio;

import static io.llmgate.transport.socketio.TestClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keeps the conformance server (run by hand against the official suites) doing what those suites
 * expect, in a few of their own steps.
 */
class ConformanceServerTest {

  private final Vertx vertx = Vertx.vertx();
  private TestClient client;

  @BeforeEach
  void start() {
    client = new TestClient(vertx, await(ConformanceServer.start(vertx, 0)).actualPort());
  }

  @AfterEach
  void stop() {
    client.close();
    await(vertx.close());
  }

  @Test
  void mainNamespaceEmitsAuthAndEchoesMessagesWithBinary() {
    try (TestWebSocket ws = client.webSocket("/socket.io/?EIO=4&transport=websocket")) {
      assertThat(ws.connect("", "{\"token\":\"123\"}")).startsWith("40{\"sid\":");
      assertThat(ws.nextText()).isEqualTo("42[\"auth\",{\"token\":\"123\"}]");

      ws.send("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
      ws.send(Buffer.buffer(new byte[] {1, 2, 3}));
      assertThat(ws.nextText())
          .isEqualTo("451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]");
      assertThat(ws.next()).isEqualTo(Buffer.buffer(new byte[] {1, 2, 3}));

      ws.send("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
      assertThat(ws.nextText()).isEqualTo("43456[1,\"2\",{\"3\":[false]}]");
    }
  }

  @Test
  void customNamespaceEmitsAuthAndOthersAreRefused() {
    try (TestWebSocket ws = client.webSocket("/socket.io/?EIO=4&transport=websocket")) {
      assertThat(ws.connect("/custom,", "")).startsWith("40/custom,{\"sid\":");
      assertThat(ws.nextText()).isEqualTo("42/custom,[\"auth\",{}]");
      ws.send("40/random");
      assertThat(ws.nextText()).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
    }
  }

  @Test
  void engineIoPathEchoesRawMessages() {
    String sid = client.openPolling("/engine.io/");
    String uri = "/engine.io/?EIO=4&transport=polling&sid=" + sid;

    assertThat(client.post(uri, "4hello\u001ebAQIDBA==").body()).isEqualTo("ok");

    String echoed = client.get(uri).body();
    if (!echoed.contains("bAQIDBA==")) {
      echoed += "\u001e" + client.get(uri).body();
    }
    assertThat(echoed).isEqualTo("4hello\u001ebAQIDBA==");
  }
}
