package io.llmgate.cluster;

import io.llmgate.testing.TestGateway;
import io.llmgate.transport.EventRecorder;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** A /ws client of one node of a cluster test: every frame recorded by event name. */
record WsClient(WebSocket ws, EventRecorder events) {
  static WsClient connect(WebSocketClient client, TestGateway node, String user) throws Exception {
    EventRecorder events = new EventRecorder();
    WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/ws").addHeader("Authorization", "Bearer " + node.token(user))).map(connected -> {
          connected.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            events.add(frame.getString("event"), frame.getJsonObject("data"));
          });
          return connected;
        }).await(10, TimeUnit.SECONDS);
    return new WsClient(socket, events);
  }

  void send(String event, Object data) {
    ws.writeTextMessage(new JsonObject().put("event", event).put("data", data).encode());
  }

  JsonObject acknowledged() {
    return events.acknowledgements().stream().filter(e -> e.event().equals("llm:stream:resume:acknowledged"))
        .findFirst().orElseThrow(() -> new AssertionError("no resume acknowledgement: " + events.summary()))
        .data();
  }
}
