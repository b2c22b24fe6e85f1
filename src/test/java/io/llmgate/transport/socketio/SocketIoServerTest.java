package io.llmgate.transport.socketio;

import static io.llmgate.transport.socketio.TestClient.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Socket.IO layer and its public API against real WebSocket and polling clients. */
class SocketIoServerTest {

  private static final String WS = "/socket.io/?EIO=4&transport=websocket";
  private static final String POLL = "/socket.io/?EIO=4&transport=polling";

  private final Vertx vertx = Vertx.vertx();
  private final BlockingQueue<SocketIoSocket> connected = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> disconnectReasons = new LinkedBlockingQueue<>();
  private SocketIoServer io;
  private TestClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    await(vertx.close());
  }

  private static SocketIoOptions options() {
    return new SocketIoOptions();
  }

  /** Starts a server whose main namespace records sockets and then runs {@code app} on each. */
  private void start(
      SocketIoOptions options, Consumer<SocketIoServer> configure, Consumer<SocketIoSocket> app) {
    io = SocketIoServer.create(vertx, options);
    io.namespace("/")
        .connectionHandler(
            socket -> {
              socket.disconnectHandler(disconnectReasons::add);
              app.accept(socket);
              connected.add(socket);
            });
    configure.accept(io);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create()); // as a gateway with REST routes would have
    io.mount(router);
    int port =
        await(
                vertx
                    .createHttpServer(options.applyTo(new HttpServerOptions()))
                    .requestHandler(router)
                    .listen(0))
            .actualPort();
    client = new TestClient(vertx, port);
  }

  private void start(Consumer<SocketIoSocket> app) {
    start(options(), s -> {}, app);
  }

  private SocketIoSocket nextSocket() throws InterruptedException {
    SocketIoSocket socket = connected.poll(5, TimeUnit.SECONDS);
    assertThat(socket).as("a connected socket").isNotNull();
    return socket;
  }

  private TestWebSocket connectedWebSocket() {
    TestWebSocket ws = client.webSocket(WS);
    assertThat(ws.connect("", "")).startsWith("40{\"sid\":");
    return ws;
  }

  @Test
  void connectRepliesWithASocketIdOtherThanTheSessionId() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = client.webSocket(WS)) {
      String sessionId = ws.readOpen().getString("sid");
      ws.send("40");
      JsonObject reply = new JsonObject(ws.nextText().substring(2));

      assertThat(reply.fieldNames()).containsExactly("sid");
      assertThat(reply.getString("sid")).isNotEqualTo(sessionId).isEqualTo(nextSocket().id());
      assertThat(io.connectedClients()).isEqualTo(1);
    }
  }

  @Test
  void authHandlerResultBecomesThePrincipal() throws Exception {
    start(
        options(),
        server ->
            server
                .namespace("/")
                .authHandler(auth -> Future.succeededFuture("user:" + auth.getString("token"))),
        socket -> {});
    try (TestWebSocket ws = client.webSocket(WS)) {
      assertThat(ws.connect("", "{\"token\":\"alice\"}")).startsWith("40");
      SocketIoSocket socket = nextSocket();
      assertThat(socket.principal()).isEqualTo("user:alice");
      assertThat(socket.principal(String.class)).isEqualTo("user:alice");
      assertThat(socket.handshakeAuth()).isEqualTo(new JsonObject().put("token", "alice"));
    }
  }

  @Test
  void aClosablePrincipalIsClosedWhenItsSocketDisconnects() throws Exception {
    CountDownLatch principalClosed = new CountDownLatch(1);
    start(options(), server -> server.namespace("/")
        .authHandler(auth -> Future.succeededFuture((AutoCloseable) principalClosed::countDown)), socket -> {});
    try (TestWebSocket ws = client.webSocket(WS)) {
      assertThat(ws.connect("", "")).startsWith("40");
      nextSocket();
      assertThat(principalClosed.getCount()).as("closed while connected").isEqualTo(1);
      ws.send("41");
      assertThat(principalClosed.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** A connection slot reserved by the auth handler must not leak when the client leaves during auth. */
  @Test
  void aClosablePrincipalIsClosedWhenTheClientLeftBeforeJoining() throws Exception {
    CountDownLatch principalClosed = new CountDownLatch(1);
    Promise<Object> decision = Promise.promise();
    CountDownLatch asked = new CountDownLatch(1);
    start(options(), server -> server.namespace("/").authHandler(auth -> {
      asked.countDown();
      return decision.future();
    }), socket -> {});
    try (TestWebSocket ws = client.webSocket(WS)) {
      ws.readOpen();
      ws.send("40");
      assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(disconnectReasons.poll(1, TimeUnit.SECONDS)).as("no socket joined").isNull();
    for (int i = 0; i < 100 && io.connectedClients() > 0; i++) {
      await(vertx.timer(50)); // until the server has seen the client leave
    }
    assertThat(io.connectedClients()).isZero();
    decision.complete((AutoCloseable) principalClosed::countDown);
    assertThat(principalClosed.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(connected).isEmpty();
  }

  @Test
  void authRefusalSendsConnectErrorWithTheFailureMessage() throws Exception {
    start(
        options(),
        server ->
            server
                .namespace("/")
                .authHandler(
                    auth ->
                        Future.failedFuture(
                            new SocketIoException(
                                "unauthorized: token expired",
                                new JsonObject().put("code", "unauthorized")))),
        socket -> {});
    try (TestWebSocket ws = client.webSocket(WS)) {
      assertThat(ws.connect("", "{\"token\":\"old\"}"))
          .isEqualTo(
              "44{\"message\":\"unauthorized: token"
                  + " expired\",\"data\":{\"code\":\"unauthorized\"}}");
      ws.send("42[\"hello\"]");
      ws.assertSilentFor(200);
      assertThat(connected).isEmpty();
    }
  }

  @Test
  void asyncAuthCompletingOnAnotherContextStillConnects() throws Exception {
    start(
        options(),
        server ->
            server
                .namespace("/")
                .authHandler(
                    auth -> {
                      Promise<Object> principal = Promise.promise();
                      // completes on a fresh context, as a Redis or HTTP lookup would
                      vertx
                          .getOrCreateContext()
                          .runOnContext(v -> vertx.setTimer(50, t -> principal.complete("p")));
                      return principal.future();
                    }),
        socket -> socket.emit("welcome"));
    try (TestWebSocket ws = client.webSocket(WS)) {
      assertThat(ws.connect("", "")).startsWith("40{\"sid\"");
      assertThat(ws.nextText()).isEqualTo("42[\"welcome\"]");
    }
  }

  @Test
  void unknownNamespaceIsRefused() {
    start(socket -> {});
    try (TestWebSocket ws = client.webSocket(WS)) {
      assertThat(ws.connect("/nope,", "")).isEqualTo("44/nope,{\"message\":\"Invalid namespace\"}");
    }
  }

  @Test
  void customNamespaceIsMultiplexedOverTheSameSession() throws Exception {
    BlockingQueue<SocketIoSocket> admins = new LinkedBlockingQueue<>();
    start(
        options(),
        server -> server.namespace("/admin").connectionHandler(admins::add),
        socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      ws.send("40/admin,");
      assertThat(ws.nextText()).startsWith("40/admin,{\"sid\":");
      SocketIoSocket admin = admins.poll(5, TimeUnit.SECONDS);
      admin.emit("hi", 1);
      nextSocket().emit("hi", 2);
      assertThat(List.of(ws.nextText(), ws.nextText()))
          .containsExactlyInAnyOrder("42/admin,[\"hi\",1]", "42[\"hi\",2]");
      assertThat(io.namespace("/admin").size()).isEqualTo(1);
    }
  }

  @Test
  void clientEventWithAckIsAcknowledgedWithTheHandlersArguments() {
    start(socket -> socket.on("echo", (args, ack) -> ack.orElseThrow().send(args.toArray())));
    try (TestWebSocket ws = connectedWebSocket()) {
      ws.send("42123[\"echo\",1,\"a\",{\"b\":[true]}]");
      assertThat(ws.nextText()).isEqualTo("43123[1,\"a\",{\"b\":[true]}]");
    }
  }

  @Test
  void handlerSeesAllArgumentTypesIncludingBinary() throws Exception {
    CompletableFuture<List<Object>> received = new CompletableFuture<>();
    start(socket -> socket.on("upload", (args, ack) -> received.complete(args)));
    try (TestWebSocket ws = connectedWebSocket()) {
      ws.send("451-[\"upload\",{\"name\":\"a\"},{\"_placeholder\":true,\"num\":0},3.5,null]");
      ws.send(Buffer.buffer(new byte[] {9, 8}));
      assertThat(received.get(5, TimeUnit.SECONDS))
          .containsExactly(
              new JsonObject().put("name", "a"), Buffer.buffer(new byte[] {9, 8}), 3.5, null);
    }
  }

  @Test
  void serverEmitWithAckCompletesWithTheClientsAckArguments() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      Future<List<Object>> answer = nextSocket().emitWithAck("question", "x");
      assertThat(ws.nextText()).isEqualTo("420[\"question\",\"x\"]");
      ws.send("430[\"answer\",{\"n\":1}]");
      assertThat(await(answer)).containsExactly("answer", new JsonObject().put("n", 1));
    }
  }

  @Test
  void serverEmitWithAckFailsAfterTheTimeout() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      Future<List<Object>> answer = nextSocket().emitWithAck(Duration.ofMillis(100), "question");
      Throwable failure =
          answer
              .toCompletionStage()
              .toCompletableFuture()
              .handle((v, err) -> err)
              .get(5, TimeUnit.SECONDS);
      assertThat(failure)
          .isInstanceOf(SocketIoException.class)
          .hasMessage("ack timeout: no ack for 'question' within 100 ms");
      ws.send("430[\"too late\"]"); // ignored
    }
  }

  @Test
  void emitRawSplicesTheEncodedPayload() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      nextSocket()
          .emitRaw("llm:stream:token", "{\"sessionId\":\"s\",\"token\":\"Hi\",\"index\":0}");
      assertThat(ws.nextText())
          .isEqualTo("42[\"llm:stream:token\",{\"sessionId\":\"s\",\"token\":\"Hi\",\"index\":0}]");
    }
  }

  @Test
  void binaryArgumentsGoOutAsAttachments() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      nextSocket().emit("file", new JsonObject().put("name", "a"), new byte[] {1, 2});
      assertThat(ws.nextText())
          .isEqualTo("451-[\"file\",{\"name\":\"a\"},{\"_placeholder\":true,\"num\":0}]");
      assertThat(ws.next()).isEqualTo(Buffer.buffer(new byte[] {1, 2}));
    }
  }

  @Test
  void emitsFromAnotherThreadArriveInOrder() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      SocketIoSocket socket = nextSocket();
      for (int i = 0; i < 200; i++) {
        socket.emit("n", i);
      }
      for (int i = 0; i < 200; i++) {
        assertThat(ws.nextText()).isEqualTo("42[\"n\"," + i + "]");
      }
    }
  }

  @Test
  void leavingTheNamespaceKeepsTheSessionSoTheClientCanRejoin() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      SocketIoSocket first = nextSocket();
      ws.send("41");
      assertThat(disconnectReasons.poll(5, TimeUnit.SECONDS))
          .isEqualTo("client namespace disconnect");
      assertThat(first.isConnected()).isFalse();

      ws.send("40");
      assertThat(ws.nextText()).startsWith("40{\"sid\":");
      assertThat(nextSocket().id()).isNotEqualTo(first.id());
      assertThat(io.connectedClients()).isEqualTo(1);
    }
  }

  @Test
  void packetsWaitingForAWriteStillGoOutBeforeTheServerClosesTheConnection() throws Exception {
    // The CONNECT reply is being written when the app emits and closes: what waits behind it must
    // not be dropped by the close (engine.io, too, flushes its buffer before closing).
    start(
        socket -> {
          socket.emit("last", "token");
          socket.emitRaw("done", "{}");
          socket.disconnect(true);
        });
    try (TestWebSocket ws = client.webSocket(WS)) {
      assertThat(ws.connect("", "")).startsWith("40{\"sid\":");
      assertThat(ws.nextText()).isEqualTo("42[\"last\",\"token\"]");
      assertThat(ws.nextText()).isEqualTo("42[\"done\",{}]");
      assertThat(ws.nextText()).isEqualTo("41");
      assertThat(ws.awaitClose(2000)).isTrue();
    }
  }

  @Test
  void serverDisconnectSendsDisconnectPacket() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      nextSocket().disconnect();
      assertThat(ws.nextText()).isEqualTo("41");
      assertThat(disconnectReasons.poll(5, TimeUnit.SECONDS))
          .isEqualTo("server namespace disconnect");
    }
  }

  @Test
  void connectionWithoutNamespaceIsClosedAfterConnectTimeout() throws Exception {
    start(options().setConnectTimeout(200), s -> {}, socket -> {});
    try (TestWebSocket ws = client.webSocket(WS)) {
      ws.readOpen();
      assertThat(ws.awaitClose(2000)).isTrue();
    }
  }

  @Test
  void invalidPacketClosesTheConnection() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      ws.send("42{}");
      assertThat(ws.awaitClose(2000)).isTrue();
      assertThat(disconnectReasons.poll(5, TimeUnit.SECONDS)).isEqualTo("parse error");
    }
  }

  @Test
  void clientGoingAwayDisconnectsWithTransportClose() throws Exception {
    start(socket -> {});
    TestWebSocket ws = connectedWebSocket();
    SocketIoSocket socket = nextSocket();
    Future<List<Object>> pending = socket.emitWithAck("q");
    ws.close();

    assertThat(disconnectReasons.poll(5, TimeUnit.SECONDS)).isEqualTo("transport close");
    assertThat(
            pending
                .toCompletionStage()
                .toCompletableFuture()
                .handle((v, e) -> e)
                .get(5, TimeUnit.SECONDS))
        .hasMessage("socket disconnected: transport close");
    assertThat(io.connectedClients()).isZero();
  }

  @Test
  void pollingClientConnectsThroughARouterWithBodyHandler() throws Exception {
    start(socket -> socket.emit("welcome", socket.handshakeAuth()));
    String sid = client.openPolling("/socket.io/");

    assertThat(client.post(POLL + "&sid=" + sid, "40{\"token\":\"t\"}").body()).isEqualTo("ok");

    String body = client.get(POLL + "&sid=" + sid).body();
    if (!body.contains("welcome")) {
      body += "\u001e" + client.get(POLL + "&sid=" + sid).body();
    }
    assertThat(body).matches("40\\{\"sid\":\"[^\"]+\"}\u001e42\\[\"welcome\",\\{\"token\":\"t\"}]");
    assertThat(nextSocket().handshakeAuth().getString("token")).isEqualTo("t");
  }

  @Test
  void writeQueueFullWhilePollingUntilTheNextPollDrainsIt() throws Exception {
    start(options().setWriteQueueMaxSize(1000), s -> {}, socket -> {});
    String sid = client.openPolling("/socket.io/");
    client.post(POLL + "&sid=" + sid, "40");
    assertThat(client.get(POLL + "&sid=" + sid).body()).startsWith("40");
    SocketIoSocket socket = nextSocket();

    CountDownLatch drained = new CountDownLatch(1);
    CompletableFuture<Integer> emitted = new CompletableFuture<>();
    socket
        .context()
        .runOnContext(
            v -> {
              int n = 0;
              while (!socket.writeQueueFull()) {
                socket.emitRaw("chunk", "\"" + "x".repeat(100) + "\"");
                n++;
              }
              socket.drainHandler(d -> drained.countDown());
              emitted.complete(n);
            });
    assertThat(emitted.get(5, TimeUnit.SECONDS)).isBetween(5, 20);
    assertThat(drained.getCount()).isEqualTo(1);

    String batch = client.get(POLL + "&sid=" + sid).body();

    assertThat(batch.split("\u001e")).hasSize(emitted.get());
    assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void slowWebSocketClientStallsTheEmitterUntilItReadsAgain() throws Exception {
    int total = 4000;
    String payload = "\"" + "x".repeat(8 * 1024) + "\"";
    start(socket -> {});
    TestWebSocket ws = connectedWebSocket();
    SocketIoSocket socket = nextSocket();
    ws.raw().pause(); // the client stops reading: TCP and then the server's queues fill up

    int[] sent = {0};
    Runnable pump =
        new Runnable() {
          @Override
          public void run() {
            while (sent[0] < total && !socket.writeQueueFull()) {
              socket.emitRaw("chunk", payload);
              sent[0]++;
            }
            if (sent[0] < total) {
              socket.drainHandler(v -> run());
            }
          }
        };
    socket.context().runOnContext(v -> pump.run());

    int stalledAt = awaitStall(socket, sent);
    assertThat(stalledAt).as("emitter stalled before sending all 32 MB").isLessThan(total);

    ws.raw().resume();
    for (int i = 0; i < total; i++) {
      assertThat(ws.nextText()).startsWith("42[\"chunk\",\"xxx");
    }
    assertThat(readOnContext(socket, () -> sent[0])).isEqualTo(total);
    ws.close();
  }

  /** Waits until {@code sent} stops growing for 300 ms and returns it. */
  private static int awaitStall(SocketIoSocket socket, int[] sent) throws Exception {
    int last = -1;
    for (int i = 0; i < 50; i++) {
      Thread.sleep(300);
      int now = readOnContext(socket, () -> sent[0]);
      if (now == last) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("emitter never stalled");
  }

  private static <T> T readOnContext(SocketIoSocket socket, java.util.function.Supplier<T> read)
      throws Exception {
    CompletableFuture<T> value = new CompletableFuture<>();
    socket.context().runOnContext(v -> value.complete(read.get()));
    return value.get(5, TimeUnit.SECONDS);
  }

  @Test
  void closeDisconnectsEveryoneAndRefusesNewConnections() throws Exception {
    start(socket -> {});
    TestWebSocket ws = connectedWebSocket();
    nextSocket();

    await(io.close());

    assertThat(disconnectReasons.poll(5, TimeUnit.SECONDS)).isEqualTo("server shutting down");
    assertThat(ws.awaitClose(2000)).isTrue();
    assertThat(io.connectedClients()).isZero();
    assertThat(client.get(POLL).status()).isEqualTo(503);
  }

  @Test
  void socketKeepsWorkingAfterTheUpgradeFromPolling() throws Exception {
    start(socket -> socket.on("ping-me", (args, ack) -> socket.emit("pong-you", args.toArray())));
    String sid = client.openPolling("/socket.io/");
    client.post(POLL + "&sid=" + sid, "40");
    assertThat(client.get(POLL + "&sid=" + sid).body()).startsWith("40{\"sid\":");
    SocketIoSocket socket = nextSocket();

    TestWebSocket ws = client.webSocket(WS + "&sid=" + sid);
    ws.send("2probe");
    assertThat(ws.nextText()).isEqualTo("3probe");
    socket.emit("during-upgrade", 1); // held until the upgrade completes
    assertThat(client.get(POLL + "&sid=" + sid).body()).isEqualTo("6");
    ws.send("5");

    assertThat(ws.nextText()).isEqualTo("42[\"during-upgrade\",1]");
    ws.send("42[\"ping-me\",\"x\"]");
    assertThat(ws.nextText()).isEqualTo("42[\"pong-you\",\"x\"]");
    assertThat(socket.isConnected()).isTrue();
    ws.close();
  }

  @Test
  void binaryPacketAnnouncingMoreThanTenAttachmentsClosesTheConnection() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      ws.send("45999999-[\"upload\",{\"_placeholder\":true,\"num\":0}]");
      assertThat(ws.awaitClose(2000)).isTrue();
      assertThat(disconnectReasons.poll(5, TimeUnit.SECONDS)).isEqualTo("parse error");
    }
  }

  @Test
  void binaryPacketBeforeJoiningANamespaceClosesTheConnection() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = client.webSocket(WS)) {
      ws.readOpen();
      ws.send("452-[\"upload\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
      assertThat(ws.awaitClose(2000)).isTrue();
    }
  }

  @Test
  void attachmentsLargerThanMaxPayloadCloseTheConnection() throws Exception {
    start(options().setMaxPayload(1000), s -> {}, socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      ws.send(
          "452-[\"upload\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
      ws.send(Buffer.buffer(new byte[800]));
      ws.send(Buffer.buffer(new byte[800]));
      assertThat(ws.awaitClose(2000)).isTrue();
    }
  }

  @Test
  void plainRequestHandlerServesThePathAndAnswers404Elsewhere() {
    io = SocketIoServer.create(vertx, options());
    int port = await(vertx.createHttpServer().requestHandler(io::handle).listen(0)).actualPort();
    client = new TestClient(vertx, port);

    assertThat(client.get(POLL).body()).startsWith("0{\"sid\":");
    assertThat(client.get("/elsewhere").status()).isEqualTo(404);
  }

  @Test
  void reservedEventNamesCannotBeEmitted() throws Exception {
    start(socket -> {});
    try (TestWebSocket ws = connectedWebSocket()) {
      SocketIoSocket socket = nextSocket();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.emit("disconnect"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("event: 'disconnect' (expected: not a reserved name)");
    }
  }

  @SuppressWarnings("unused")
  private static JsonArray array(Object... values) {
    return new JsonArray(List.of(values));
  }
}
