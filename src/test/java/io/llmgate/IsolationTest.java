package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.stream.FinishReason;
import io.llmgate.testing.Script;
import io.llmgate.testing.ScriptedUpstream;
import io.llmgate.testing.TestGateway;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One user's stream is nobody else's: while alice's stream runs, bob, knowing its session id, tries to
 * cancel, resume and watch it on every transport that takes a session id (/ws, SSE and DELETE
 * /v1/streams; Socket.IO's own attempts are in interop/socketio.test.mjs), and looks for her in the
 * health and metrics routes anyone may read.
 */
class IsolationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestGateway gateway;
  /** Held for the whole class: Vert.x closes a client nothing refers to any more, with its connections. */
  private static WebSocketClient webSockets;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    webSockets = gateway.vertx().createWebSocketClient();
    gateway.upstream().script("slow", Script.upstream().every(100).opened("m").tokens(20).finish(FinishReason.STOP));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** A /ws connection authenticated as {@code user}, with every frame it receives. */
  private record Ws(WebSocket socket, BlockingQueue<JsonObject> frames) {
    static Ws open(String user) throws Exception {
      BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
      WebSocket socket = webSockets.connect(new WebSocketConnectOptions()
          .setHost("127.0.0.1").setPort(gateway.port()).setURI("/ws")
          .addHeader("Authorization", "Bearer " + gateway.token(user))).await(10, TimeUnit.SECONDS);
      socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
      return new Ws(socket, frames);
    }

    void send(String event, JsonObject data) {
      socket.writeTextMessage(new JsonObject().put("event", event).put("data", data).encode());
    }

    JsonObject next(String event) throws InterruptedException {
      for (JsonObject frame; (frame = frames.poll(10, TimeUnit.SECONDS)) != null; ) {
        if (frame.getString("event").equals(event)) {
          return frame.getJsonObject("data");
        }
      }
      throw new AssertionError("no " + event);
    }
  }

  private static HttpResponse<String> http(String method, String path, String user, String body,
      String lastEventId) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (user != null) {
      request.header("Authorization", "Bearer " + gateway.token(user)).header("Content-Type", "application/json");
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return HTTP.send(request.build(), BodyHandlers.ofString());
  }

  @Test
  void anotherUserCanNeitherCancelNorResumeNorWatchAStreamNorFindItsOwnerInHealthOrMetrics() throws Exception {
    String alice = "alice-" + UUID.randomUUID();
    String sessionId = "private-" + UUID.randomUUID();
    Ws mine = Ws.open(alice);
    mine.send("llm:chat:stream", new JsonObject().put("sessionId", sessionId).put("provider", ScriptedUpstream.NAME)
        .put("messages", List.of(new JsonObject().put("role", "user").put("content", "slow"))));
    mine.next("llm:stream:token");

    Ws bob = Ws.open("bob");
    bob.send("llm:stream:cancel", new JsonObject().put("sessionId", sessionId));
    assertThat(bob.next("llm:stream:cancel:acknowledged").getBoolean("cancelled")).as("/ws cancel").isFalse();
    bob.send("llm:stream:resume", new JsonObject().put("sessionId", sessionId).put("lastIndex", -1));
    assertThat(bob.next("llm:stream:error").getString("code")).as("/ws resume").isEqualTo("not_found");

    JsonObject sseCancel = new JsonObject(http("DELETE", "/v1/streams/" + sessionId, "bob", null, null).body());
    assertThat(sseCancel.getBoolean("cancelled")).as("DELETE /v1/streams").isFalse();
    HttpResponse<String> sseResume = http("POST", "/v1/streams", "bob",
        new JsonObject().put("sessionId", sessionId).encode(), "-1");
    assertThat(sseResume.statusCode()).as("Last-Event-ID resume").isEqualTo(404);
    assertThat(new JsonObject(sseResume.body()).getString("code")).isEqualTo("not_found");

    for (String path : List.of("/websocket/health", "/metrics", "/readyz", "/healthz")) {
      String body = http("GET", path, null, null, null).body();
      assertThat(body).as(path).doesNotContain(alice).doesNotContain(sessionId);
    }

    JsonObject done = mine.next("llm:stream:done");
    assertThat(done.getLong("tokenCount")).as("alice's stream ran to its end").isEqualTo(20);
    assertThat(bob.frames()).as("bob saw nothing of it").noneMatch(frame ->
        sessionId.equals(frame.getJsonObject("data").getString("sessionId"))
            && !frame.getString("event").endsWith("acknowledged") && !frame.getString("event").equals("llm:stream:error"));
    mine.socket().close();
    bob.socket().close();
  }
}
