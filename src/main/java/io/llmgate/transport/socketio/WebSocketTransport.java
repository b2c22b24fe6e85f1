package io.llmgate.transport.socketio;

import io.vertx.core.http.ServerWebSocket;

/**
 * One WebSocket of a session: one Engine.IO packet per frame, binary messages as raw binary frames.
 * Vert.x invokes its handlers on the WebSocket's own context, so each event hops to the session's.
 */
final class WebSocketTransport {

  private final ServerWebSocket webSocket;

  WebSocketTransport(ServerWebSocket webSocket, EngineIoSession session) {
    this.webSocket = webSocket;
    webSocket.textMessageHandler(
        text -> session.execute(() -> session.onWebSocketText(this, text)));
    webSocket.binaryMessageHandler(
        data -> session.execute(() -> session.onWebSocketBinary(this, data)));
    webSocket.closeHandler(v -> session.execute(() -> session.onWebSocketClosed(this)));
    webSocket.drainHandler(v -> session.execute(() -> session.onWebSocketDrain(this)));
    // Failures end in a close, which closeHandler reports; nothing else to do.
    webSocket.exceptionHandler(err -> {});
  }

  void send(EnginePacket packet) {
    if (packet.isBinary()) {
      webSocket.writeBinaryMessage(packet.binary());
    } else {
      webSocket.writeTextMessage(packet.encodeText());
    }
  }

  boolean writeQueueFull() {
    return webSocket.writeQueueFull();
  }

  void close() {
    if (!webSocket.isClosed()) {
      webSocket.close();
    }
  }
}
