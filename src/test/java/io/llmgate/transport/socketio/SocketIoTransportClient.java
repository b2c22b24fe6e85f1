package io.llmgate.transport.socketio;

import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.TransportClient;
import io.llmgate.transport.TransportContract;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Speaks Socket.IO v5 over Engine.IO v4's WebSocket transport, by hand, the way socket.io-client does:
 * CONNECT with {@code auth: {token}}, then EVENT packets. (The npm client itself is driven in
 * SocketIoInteropTest; this adapter lets the contract suite time frames and pause reading.)
 */
final class SocketIoTransportClient implements TransportClient {
  private final WebSocketClient client;
  private final int port;

  SocketIoTransportClient(Vertx vertx, int port) {
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setReceiveBufferSize(TransportContract.CLIENT_RECEIVE_BUFFER)
        .setMaxMessageSize(64 * 1024 * 1024).setMaxFrameSize(4 * 1024 * 1024));
    this.port = port;
  }

  @Override
  public ClientStream start(String token, JsonObject request) throws Exception {
    EventRecorder events = new EventRecorder();
    WebSocket ws = connect(token, "llm:chat:stream", request, events);
    return stream(ws, events, request.getString("sessionId"));
  }

  /** Connects with {@code token} and, once connected, emits {@code event} with {@code payload} (any JSON value). */
  ClientStream send(String token, String event, Object payload) throws Exception {
    EventRecorder events = new EventRecorder();
    return stream(connect(token, event, payload, events), events, null);
  }

  private static ClientStream stream(WebSocket ws, EventRecorder events, String sessionId) {
    return new ClientStream() {
      @Override
      public EventRecorder events() {
        return events;
      }

      @Override
      public void cancel() {
        ws.writeTextMessage(event("llm:stream:cancel", new JsonObject().put("sessionId", sessionId)));
      }

      @Override
      public void disconnect() {
        ws.close();
      }

      @Override
      public void pauseReading() {
        ws.pause();
      }

      @Override
      public void resumeReading() {
        ws.resume();
      }
    };
  }

  private WebSocket connect(String token, String event, Object payload, EventRecorder events) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/socket.io/?EIO=4&transport=websocket");
    // The handler is set before connecting: the server speaks first (Engine.IO OPEN), and a handler set in
    // a callback of connect() can come too late when this thread attaches it after the socket opened (a
    // loaded machine): the OPEN was then dropped and the stream never started.
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(text -> onPacket(ws, text, token, event, payload, events));
    ws.connect(options).await(10, TimeUnit.SECONDS);
    return ws;
  }

  private static void onPacket(WebSocket ws, String text, String token, String event, Object payload,
      EventRecorder events) {
    if (text.startsWith("0")) { // Engine.IO OPEN: connect the default namespace with our credentials
      ws.writeTextMessage("40" + new JsonObject().put("token", token).encode());
    } else if (text.equals("2")) { // PING
      ws.writeTextMessage("3");
    } else if (text.startsWith("40")) { // CONNECT acknowledged
      ws.writeTextMessage(event(event, payload));
    } else if (text.startsWith("44")) { // CONNECT_ERROR: the refusal of a bad token
      String message = new JsonObject(text.substring(2)).getString("message");
      events.add(EventRecorder.ERROR, new JsonObject().put("error", message)
          .put("code", message.substring(0, Math.max(0, message.indexOf(':')))));
    } else if (text.startsWith("42")) { // EVENT, possibly with an ack id before the array
      JsonArray packet = new JsonArray(text.substring(text.indexOf('[')));
      events.add(packet.getString(0), packet.getJsonObject(1));
    }
  }

  private static String event(String name, Object data) {
    return "42" + new JsonArray().add(name).add(data).encode();
  }

  @Override
  public void close() {
    client.close();
  }
}
