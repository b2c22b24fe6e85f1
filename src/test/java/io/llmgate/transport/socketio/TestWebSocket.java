package io.llmgate.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records what a WebSocket received (text as String, binary as Buffer), answering Engine.IO pings
 * with pongs unless told not to.
 */
final class TestWebSocket implements AutoCloseable {

  private final WebSocket ws;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean answerPings = true;

  TestWebSocket(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(
        text -> {
          if (answerPings && text.equals("2")) {
            ws.writeTextMessage("3");
          } else {
            received.add(text);
          }
        });
    ws.binaryMessageHandler(received::add);
    ws.closeHandler(v -> closed.countDown());
  }

  WebSocket raw() {
    return ws;
  }

  TestWebSocket answerPings(boolean answer) {
    this.answerPings = answer;
    return this;
  }

  void send(String text) {
    ws.writeTextMessage(text);
  }

  void send(Buffer data) {
    ws.writeBinaryMessage(data);
  }

  Object next() {
    try {
      Object message = received.poll(5, TimeUnit.SECONDS);
      assertThat(message).as("a message within 5 s").isNotNull();
      return message;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  String nextText() {
    return (String) next();
  }

  /** Nothing (but pings, when answered) arrives for this long. */
  void assertSilentFor(long millis) throws InterruptedException {
    assertThat(received.poll(millis, TimeUnit.MILLISECONDS)).isNull();
  }

  /** Reads the Engine.IO open packet and returns its JSON. */
  JsonObject readOpen() {
    String open = nextText();
    assertThat(open).startsWith("0");
    return new JsonObject(open.substring(1));
  }

  /** Reads the open packet, joins the namespace with this auth and returns the CONNECT reply. */
  String connect(String namespacePrefix, String auth) {
    readOpen();
    send("40" + namespacePrefix + auth);
    return nextText();
  }

  boolean awaitClose(long millis) throws InterruptedException {
    return closed.await(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      ws.close();
    }
  }
}
