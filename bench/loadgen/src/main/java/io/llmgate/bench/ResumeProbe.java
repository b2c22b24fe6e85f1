package io.llmgate.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One resume as a Socket.IO client does it after its connection dropped: a stream starts on the node at
 * {@code from}; after its {@code dropAfter}-th token the client closes the socket, and {@link #AWAY_MS} later
 * connects to the node at {@code to} (the handshake is not timed) and emits {@code llm:stream:resume} with the last index it has.
 * Timed from that emit: its acknowledgement, and the first token after that index. The rest must come
 * each index once and in order, through {@code llm:stream:done} with the stream's token count.
 */
final class ResumeProbe {
  /** Nanoseconds from the resume emit to its acknowledgement and to the first token after it. */
  record Outcome(long ackNanos, long firstTokenNanos) {}

  /** How long the client is away: the stream goes on, so the resume has missed tokens to replay. */
  static final long AWAY_MS = 200;

  private final Load load;
  private final String token;
  private final String id;
  private final Promise<Outcome> outcome = Promise.promise();
  private long expected;
  /** The first socket was closed: what it still delivers is not this client's any more. */
  private boolean dropped;
  private long resumedAt;
  private long ackNanos;
  private long firstNanos;

  private ResumeProbe(Load load, String token, String id) {
    this.load = load;
    this.token = token;
    this.id = id;
  }

  /** Call on an event loop; fails, rather than hangs, after {@code deadlineMs}. */
  static Future<Outcome> run(Load load, String token, String id, String prompt, int from, int to, int dropAfter,
      long deadlineMs) {
    ResumeProbe probe = new ResumeProbe(load, token, id);
    long timer = load.vertx.setTimer(deadlineMs, t -> probe.outcome.tryFail("no llm:stream:done within "
        + deadlineMs + " ms (" + probe.expected + " tokens in order so far)"));
    probe.outcome.future().onComplete(done -> load.vertx.cancelTimer(timer));
    probe.start(prompt, from, to, dropAfter);
    return probe.outcome.future();
  }

  private void start(String prompt, int from, int to, int dropAfter) {
    String chat = "42" + new JsonArray().add("llm:chat:stream").add(new JsonObject().put("sessionId", id)
        .put("provider", load.cfg.provider).put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", prompt)))).encode();
    connect(from, socket -> socket.writeTextMessage(chat), (socket, message) -> {
      if (dropped) {
        return;
      }
      if (message.startsWith("42[\"llm:stream:token\"") && inOrder(message) && expected == dropAfter) {
        dropped = true;
        socket.closeHandler(null);
        socket.close();
        load.vertx.setTimer(AWAY_MS, t -> connect(to, this::resume, this::resumed));
      } else if (ended(message)) {
        outcome.tryFail("before the drop: " + message);
      }
    });
  }

  private void resume(WebSocket socket) {
    resumedAt = System.nanoTime();
    socket.writeTextMessage("421" + new JsonArray().add("llm:stream:resume")
        .add(new JsonObject().put("sessionId", id).put("lastIndex", expected - 1)).encode());
  }

  private void resumed(WebSocket socket, String message) {
    long now = System.nanoTime();
    if (message.startsWith("431")) {
      ackNanos = now - resumedAt;
      if (message.contains("\"code\"")) {
        outcome.tryFail("resume refused: " + message);
      }
    } else if (message.startsWith("42[\"llm:stream:token\"")) {
      firstNanos = firstNanos == 0 ? now - resumedAt : firstNanos;
      if (!inOrder(message)) {
        outcome.tryFail("index " + frame(message).getLong("index") + " where " + expected + " was due");
      }
    } else if (message.startsWith("42[\"llm:stream:done\"")) {
      long count = frame(message).getLong("tokenCount", -1L);
      if (count == expected && ackNanos > 0) {
        outcome.tryComplete(new Outcome(ackNanos, firstNanos));
      } else {
        outcome.tryFail("done after " + expected + " tokens in order, tokenCount " + count);
      }
      socket.close();
    } else if (ended(message)) {
      outcome.tryFail("after the resume: " + message);
      socket.close();
    }
  }

  /** Whether this token is the next index (counted), not a repeat or a gap. */
  private boolean inOrder(String message) {
    if (frame(message).getLong("index") != expected) {
      return false;
    }
    expected++;
    return true;
  }

  private static boolean ended(String message) {
    return message.startsWith("42[\"llm:stream:error\"") || message.startsWith("42[\"llm:stream:cancelled\"")
        || message.startsWith("44");
  }

  private static JsonObject frame(String message) {
    return new JsonArray(message.substring(2)).getJsonObject(1);
  }

  /** Engine.IO open, Socket.IO CONNECT with the token, ping/pong; then {@code joined}, then every other message. */
  private void connect(int port, Consumer<WebSocket> joined, BiConsumer<WebSocket, String> events) {
    load.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/socket.io/?EIO=4&transport=websocket")).onComplete(connected -> {
          if (connected.failed()) {
            outcome.tryFail("connect to " + port + ": " + connected.cause().getMessage());
            return;
          }
          WebSocket socket = connected.result();
          socket.closeHandler(v -> outcome.tryFail("socket to " + port + " closed after " + expected + " tokens"));
          outcome.future().onComplete(done -> socket.close());
          socket.textMessageHandler(message -> {
            if (message.equals("2")) {
              socket.writeTextMessage("3");
            } else if (message.startsWith("0{")) {
              socket.writeTextMessage("40{\"token\":\"" + token + "\"}");
            } else if (message.startsWith("40")) {
              joined.accept(socket);
            } else {
              events.accept(socket, message);
            }
          });
        });
  }
}
