package io.llmgate.transport.socketio;

import static io.llmgate.transport.socketio.TestClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery on the wire, as the official server does it: a pid in the CONNECT reply, the
 * offset as the last argument of every event packet, and a CONNECT with auth {pid, offset} after a dropped
 * transport getting the missed packets, then the same sid and pid.
 */
class ConnectionStateRecoveryTest {
  private static final String WS = "/socket.io/?EIO=4&transport=websocket";

  private final Vertx vertx = Vertx.vertx();
  private final BlockingQueue<SocketIoSocket> connected = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> disconnectReasons = new LinkedBlockingQueue<>();
  private SocketIoServer io;
  private TestClient client;

  @BeforeEach
  void start() {
    start(60_000, SocketIoOptions.DEFAULT_RECOVERY_MAX_BYTES);
  }

  private void start(long maxDisconnectionMs, long maxBytes) {
    SocketIoOptions options = new SocketIoOptions().setMaxDisconnectionDuration(maxDisconnectionMs)
        .setRecoveryPackets(3).setRecoveryMaxBytes(maxBytes);
    io = SocketIoServer.create(vertx, options);
    // The principal is the auth token, so two clients with the same token are the same user.
    io.namespace("/").authHandler(auth -> Future.succeededFuture(auth.getString("token", "")))
        .connectionHandler(socket -> {
          socket.disconnectHandler(disconnectReasons::add);
          connected.add(socket);
        });
    Router router = Router.router(vertx);
    io.mount(router);
    int port = await(vertx.createHttpServer(options.applyTo(new HttpServerOptions())).requestHandler(router)
        .listen(0)).actualPort();
    client = new TestClient(vertx, port);
  }

  @AfterEach
  void tearDown() {
    client.close();
    await(vertx.close());
  }

  /** Stops this server and starts another with these settings; the caller tears it down. */
  private ConnectionStateRecoveryTest restarted(long maxDisconnectionMs, long maxBytes) {
    tearDown();
    ConnectionStateRecoveryTest other = new ConnectionStateRecoveryTest();
    other.start(maxDisconnectionMs, maxBytes);
    return other;
  }

  private SocketIoSocket nextSocket() throws InterruptedException {
    SocketIoSocket socket = connected.poll(5, TimeUnit.SECONDS);
    assertThat(socket).as("a connected socket").isNotNull();
    return socket;
  }

  private static JsonObject reply(String connect) {
    assertThat(connect).startsWith("40{");
    return new JsonObject(connect.substring(2));
  }

  private static String offsetOf(String eventPacket) {
    JsonArray args = new JsonArray(eventPacket.substring(2));
    return args.getString(args.size() - 1);
  }

  /** A connected socket that was sent events "n" 0..count-1; returns the packets its client read. */
  private List<String> eventsSent(TestWebSocket ws, SocketIoSocket socket, int count) {
    for (int i = 0; i < count; i++) {
      socket.emit("n", i);
    }
    return java.util.stream.IntStream.range(0, count).mapToObj(i -> ws.nextText()).toList();
  }

  private String reconnect(TestWebSocket ws, String token, String pid, String offset) {
    ws.readOpen();
    ws.send("40" + new JsonObject().put("token", token).put("pid", pid).put("offset", offset).encode());
    return ws.nextText();
  }

  @Test
  void connectReplyHasAPidAndEveryEventPacketEndsWithItsOwnOffset() throws Exception {
    try (TestWebSocket ws = client.webSocket(WS)) {
      JsonObject reply = reply(ws.connect("", "{\"token\":\"alice\"}"));
      SocketIoSocket socket = nextSocket();
      socket.emitRaw("tok", "{\"i\":1}");
      String raw = ws.nextText();
      List<String> events = eventsSent(ws, socket, 2);

      assertThat(reply.fieldNames()).containsExactlyInAnyOrder("sid", "pid");
      assertThat(reply.getString("pid")).hasSize(20).isNotEqualTo(reply.getString("sid"));
      assertThat(events.get(0)).matches("42\\[\"n\",0,\"[^\"]+\"]");
      assertThat(raw).matches("42\\[\"tok\",\\{\"i\":1},\"[^\"]+\"]");
      assertThat(List.of(offsetOf(events.get(0)), offsetOf(events.get(1)), offsetOf(raw))).doesNotHaveDuplicates();
    }
  }

  @Test
  void afterATransportCloseTheSameSocketComesBackWithTheMissedPacketsFirst() throws Exception {
    String pid;
    String sid;
    List<String> events;
    SocketIoSocket first;
    try (TestWebSocket ws = client.webSocket(WS)) {
      JsonObject reply = reply(ws.connect("", "{\"token\":\"alice\"}"));
      pid = reply.getString("pid");
      sid = reply.getString("sid");
      first = nextSocket();
      first.data("kept");
      events = eventsSent(ws, first, 3);
    }
    assertThat(disconnectReasons.poll(5, TimeUnit.SECONDS)).isEqualTo("transport close");
    first.emit("n", 99); // to a closed socket: dropped, not kept

    try (TestWebSocket ws = client.webSocket(WS)) {
      String missed1 = reconnect(ws, "alice", pid, offsetOf(events.get(0)));
      String missed2 = ws.nextText();
      JsonObject reply = reply(ws.nextText());
      SocketIoSocket again = nextSocket();

      assertThat(List.of(missed1, missed2)).isEqualTo(events.subList(1, 3));
      assertThat(reply).isEqualTo(new JsonObject().put("sid", sid).put("pid", pid));
      assertThat(again.recovered()).isTrue();
      assertThat(again.id()).isEqualTo(sid);
      assertThat(again.data()).isEqualTo("kept");
      again.emit("n", 3);
      assertThat(offsetOf(ws.nextText())).isNotIn(events.stream().map(ConnectionStateRecoveryTest::offsetOf).toList());
    }
  }

  @Test
  void aSessionIsRestoredOnceOnlyToTheSamePrincipalAndOnlyFromAnOffsetStillKept() throws Exception {
    String pid;
    List<String> events;
    try (TestWebSocket ws = client.webSocket(WS)) {
      pid = reply(ws.connect("", "{\"token\":\"alice\"}")).getString("pid");
      events = eventsSent(ws, nextSocket(), 5); // the log keeps the newest 3
    }
    disconnectReasons.poll(5, TimeUnit.SECONDS);

    assertNotRecovered("mallory", pid, offsetOf(events.get(3)));
    assertNotRecovered("alice", pid, offsetOf(events.get(0)));
    try (TestWebSocket ws = client.webSocket(WS)) {
      assertThat(reconnect(ws, "alice", pid, offsetOf(events.get(4)))).startsWith("40{");
      assertThat(nextSocket().recovered()).isTrue();
      // a second client with the same pid while the first is back: a new socket
      assertNotRecovered("alice", pid, offsetOf(events.get(4)));
    }
  }

  private void assertNotRecovered(String token, String pid, String offset) throws Exception {
    try (TestWebSocket ws = client.webSocket(WS)) {
      JsonObject reply = reply(reconnect(ws, token, pid, offset));
      SocketIoSocket socket = nextSocket();
      assertThat(socket.recovered()).isFalse();
      assertThat(reply.getString("pid")).isNotEqualTo(pid);
      assertThat(socket.data()).isNull();
    }
  }

  @Test
  void leavingOnPurposeIsNotRecoverable() throws Exception {
    try (TestWebSocket ws = client.webSocket(WS)) {
      String pid = reply(ws.connect("", "{\"token\":\"alice\"}")).getString("pid");
      List<String> events = eventsSent(ws, nextSocket(), 1);
      ws.send("41");
      assertThat(disconnectReasons.poll(5, TimeUnit.SECONDS)).isEqualTo("client namespace disconnect");

      ws.send("40" + new JsonObject().put("token", "alice").put("pid", pid).put("offset", offsetOf(events.get(0))));
      assertThat(reply(ws.nextText()).getString("pid")).isNotEqualTo(pid);
      assertThat(nextSocket().recovered()).isFalse();
    }
  }

  @Test
  void aSessionIsForgottenAfterTheMaxDisconnectionDuration() throws Exception {
    ConnectionStateRecoveryTest shortLived = restarted(100, SocketIoOptions.DEFAULT_RECOVERY_MAX_BYTES);
    try {
      String pid;
      List<String> events;
      try (TestWebSocket ws = shortLived.client.webSocket(WS)) {
        pid = reply(ws.connect("", "{\"token\":\"alice\"}")).getString("pid");
        events = shortLived.eventsSent(ws, shortLived.nextSocket(), 1);
      }
      shortLived.disconnectReasons.poll(5, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (shortLived.io.namespace("/").persistedSessions() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      shortLived.assertNotRecovered("alice", pid, offsetOf(events.get(0)));
    } finally {
      shortLived.tearDown();
    }
  }

  @Test
  void pastTheMemoryBoundTheOldestDroppedSocketIsForgottenFirst() throws Exception {
    // room for a connected socket's first chunk, not for it beside what a dropped one keeps (3 packets)
    long keptAtLeast = 3L * OutgoingLog.PACKET_OVERHEAD;
    long keptAtMost = 3L * (OutgoingLog.PACKET_OVERHEAD + 20);
    ConnectionStateRecoveryTest bounded = restarted(60_000, OutgoingLog.FIRST_CHUNK_BYTES + keptAtLeast);
    try {
      List<String> pids = new ArrayList<>();
      List<String> lastOffsets = new ArrayList<>();
      for (String user : List.of("alice", "bob")) {
        try (TestWebSocket ws = bounded.client.webSocket(WS)) {
          pids.add(reply(ws.connect("", "{\"token\":\"" + user + "\"}")).getString("pid"));
          lastOffsets.add(offsetOf(bounded.eventsSent(ws, bounded.nextSocket(), 3).get(2)));
          // what a connected socket's log holds counts against the same bound
          assertThat(bounded.io.namespace("/").recoveryBytes()).isEqualTo(OutgoingLog.FIRST_CHUNK_BYTES);
        }
        assertThat(bounded.disconnectReasons.poll(5, TimeUnit.SECONDS)).isEqualTo("transport close");
      }

      assertThat(bounded.io.namespace("/").persistedSessions()).isEqualTo(1);
      assertThat(bounded.io.namespace("/").recoveryBytes()).isBetween(keptAtLeast, keptAtMost);
      bounded.assertNotRecovered("alice", pids.get(0), lastOffsets.get(0));
      try (TestWebSocket ws = bounded.client.webSocket(WS)) {
        assertThat(reply(bounded.reconnect(ws, "bob", pids.get(1), lastOffsets.get(1))).getString("pid"))
            .isEqualTo(pids.get(1));
        assertThat(bounded.nextSocket().recovered()).isTrue();
        assertThat(bounded.io.namespace("/").recoveryBytes()).isBetween(keptAtLeast, keptAtMost);

        ws.send("41"); // leaving on purpose: nothing is kept, and the log's bytes are given back
        String reason;
        do { // the socket assertNotRecovered connected closes in its own time
          reason = bounded.disconnectReasons.poll(5, TimeUnit.SECONDS);
        } while ("transport close".equals(reason));
        assertThat(reason).isEqualTo("client namespace disconnect");
        assertThat(bounded.io.namespace("/").recoveryBytes()).isZero();
      }
    } finally {
      bounded.tearDown();
    }
  }

  @Test
  void withRecoveryOffNothingChangesOnTheWire() throws Exception {
    tearDown();
    Vertx other = Vertx.vertx();
    try {
      SocketIoServer plain = SocketIoServer.create(other, new SocketIoOptions());
      BlockingQueue<SocketIoSocket> sockets = new LinkedBlockingQueue<>();
      plain.namespace("/").connectionHandler(sockets::add);
      Router router = Router.router(other);
      plain.mount(router);
      int port = await(other.createHttpServer().requestHandler(router).listen(0)).actualPort();
      try (TestClient plainClient = new TestClient(other, port); TestWebSocket ws = plainClient.webSocket(WS)) {
        assertThat(reply(ws.connect("", "")).fieldNames()).containsExactly("sid");
        sockets.poll(5, TimeUnit.SECONDS).emit("n", 0);
        assertThat(ws.nextText()).isEqualTo("42[\"n\",0]");
      }
    } finally {
      await(other.close());
    }
  }
}
