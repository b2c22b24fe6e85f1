package io.llmgate.transport.websocket;

import io.llmgate.transport.EventRecorder;
import io.llmgate.transport.TransportClient;
import io.llmgate.transport.TransportContract;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** Drives {@code /ws} like a client would: one connection per stream, authenticated either way. */
final class WebSocketTransportClient implements TransportClient {
  enum Auth { HEADER, FRAME }

  private final WebSocketClient client;
  private final int port;
  private final Auth auth;

  WebSocketTransportClient(Vertx vertx, int port, Auth auth) {
    this.client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setReceiveBufferSize(TransportContract.CLIENT_RECEIVE_BUFFER)
            // A done event repeats the whole response: far above the client's default 256 KB for bulk.
            // … and the server sends frames of up to 1 MB (the Socket.IO max payload), above its 64 KB.
            .setMaxMessageSize(64 * 1024 * 1024).setMaxFrameSize(4 * 1024 * 1024));
    this.port = port;
    this.auth = auth;
  }

  @Override
  public ClientStream start(String token, JsonObject request) throws Exception {
    EventRecorder events = new EventRecorder();
    WebSocket ws = send(token, "llm:chat:stream", request, events);
    return new Stream(ws, events, request.getString("sessionId"));
  }

  /** Connects with {@code token} and sends {@code event} with {@code payload} (any JSON value). */
  ClientStream send(String token, String event, Object payload) throws Exception {
    EventRecorder events = new EventRecorder();
    return new Stream(send(token, event, payload, events), events, null);
  }

  /** The connection, or null when its upgrade was refused (the refusal is in {@code events}). */
  private WebSocket send(String token, String event, Object payload, EventRecorder events) throws Exception {
    WebSocket ws;
    try {
      ws = connect(token, events);
    } catch (Exception e) {
      UpgradeRejectedException rejected = rejection(e);
      events.add(EventRecorder.ERROR, new JsonObject(rejected.getBody()));
      return null;
    }
    if (auth == Auth.FRAME) {
      ws.writeTextMessage(frame("auth", new JsonObject().put("token", token)));
    }
    ws.writeTextMessage(frame(event, payload));
    return ws;
  }

  WebSocket connect(String token, EventRecorder events) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    if (auth == Auth.HEADER) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    // Handlers go on before connecting: set in a callback of connect() they can miss a first frame when this
    // thread attaches the callback after the socket opened.
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      events.add(frame.getString("event"), frame.getJsonObject("data"));
    });
    ws.connect(options).await(10, TimeUnit.SECONDS);
    return ws;
  }

  static String frame(String event, Object data) {
    return new JsonObject().put("event", event).put("data", data).encode();
  }

  private static UpgradeRejectedException rejection(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof UpgradeRejectedException rejected) {
        return rejected;
      }
    }
    throw new AssertionError("WebSocket connect failed", e);
  }

  @Override
  public void close() {
    client.close();
  }

  private record Stream(WebSocket ws, EventRecorder events, String sessionId) implements ClientStream {
    @Override
    public void cancel() {
      ws.writeTextMessage(frame("llm:stream:cancel", new JsonObject().put("sessionId", sessionId)));
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
  }
}
