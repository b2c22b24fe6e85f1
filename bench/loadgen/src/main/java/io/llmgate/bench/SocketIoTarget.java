package io.llmgate.bench;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * llmgate's Socket.IO v4 protocol over a WebSocket (Engine.IO v4, {@code transports: ["websocket"]}), one
 * socket per stream as a browser tab has. Only what the benchmark needs: open, CONNECT with the JWT in
 * {@code auth}, ping/pong, {@code llm:chat:stream} and the stream's events. TTFT runs from the emit, not
 * from the connect. Cancel is {@code llm:stream:cancel}, or closing the socket ({@code disconnect}).
 */
final class SocketIoTarget implements Target {
  private final String name;
  private final io.vertx.core.Vertx vertx;
  private final WebSocketClient client;
  private final int port;
  private final String provider;
  private final Function<Run, String> token;
  private final boolean cancelByDisconnect;

  SocketIoTarget(String name, io.vertx.core.Vertx vertx, WebSocketClient client, int port, String provider, Function<Run, String> token,
      boolean cancelByDisconnect) {
    this.name = name;
    this.vertx = vertx;
    this.client = client;
    this.port = port;
    this.provider = provider;
    this.token = token;
    this.cancelByDisconnect = cancelByDisconnect;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start(Run run, String prompt) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/socket.io/?EIO=4&transport=websocket");
    client.connect(options).onComplete(connected -> {
      if (connected.failed()) {
        run.end(false, "connect: " + connected.cause().getMessage());
        return;
      }
      WebSocket socket = connected.result();
      String chat = "42" + new JsonArray().add("llm:chat:stream").add(new JsonObject().put("sessionId", run.id)
          .put("provider", provider).put("messages", new JsonArray().add(new JsonObject().put("role", "user")
              .put("content", prompt)))).encode();
      run.cancel = cancelByDisconnect
          ? () -> socket.close()
          : () -> socket.writeTextMessage("42[\"llm:stream:cancel\",{\"sessionId\":\"" + run.id + "\"}]");
      socket.textMessageHandler(message -> onMessage(run, socket, chat, message));
      socket.exceptionHandler(e -> run.end(false, "socket: " + e.getMessage()));
      socket.closeHandler(v -> run.end(false, "socket closed"));
      run.future().onComplete(ended -> {
        if (run.cancelAfter == 0 || cancelByDisconnect) {
          socket.close();
        } else {
          // Cancelled by event: leave the socket open briefly so the cancel is not also a disconnect.
          socket.closeHandler(null);
          vertx.setTimer(2_000, t -> socket.close());
        }
      });
    });
  }

  private void onMessage(Run run, WebSocket socket, String chat, String message) {
    if (message.startsWith("42[\"llm:stream:token\"")) {
      run.token(message);
    } else if (message.equals("2")) {
      socket.writeTextMessage("3");
    } else if (message.startsWith("0{")) {
      socket.writeTextMessage("40{\"token\":\"" + token.apply(run) + "\"}");
    } else if (message.startsWith("40")) {
      run.started();
      socket.writeTextMessage(chat);
    } else if (message.startsWith("42[\"llm:stream:done\"")) {
      run.end(true, "");
    } else if (message.startsWith("42[\"llm:stream:error\"") || message.startsWith("42[\"llm:stream:cancelled\"")
        || message.startsWith("44")) {
      run.end(false, message);
    }
  }
}
