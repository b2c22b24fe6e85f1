package io.llmgate.transport.socketio;

import static io.llmgate.transport.socketio.TestClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.transport.socketio.TestClient.Response;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Engine.IO layer against real clients, with an echo application on top. */
class EngineIoServerTest {

  private static final String PATH = "/engine.io/";
  private static final String POLL = PATH + "?EIO=4&transport=polling";

  private final Vertx vertx = Vertx.vertx();
  private final List<String> closeReasons = new CopyOnWriteArrayList<>();
  private TestClient client;
  private int port;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    await(vertx.close());
  }

  private SocketIoOptions options() {
    return new SocketIoOptions().setPath(PATH).setPingInterval(25_000).setPingTimeout(20_000);
  }

  private void start(SocketIoOptions options) {
    start(
        options,
        new HttpServerOptions(),
        session -> session.textHandler(session::send).binaryHandler(session::send));
  }

  private void start(
      SocketIoOptions options, HttpServerOptions serverOptions, Handler<EngineIoSession> app) {
    EngineIoServer engine =
        new EngineIoServer(
            vertx,
            options,
            session -> {
              app.handle(session);
              session.closeHandler(closeReasons::add);
            });
    Router router = Router.router(vertx);
    router.route(PATH + "*").handler(ctx -> engine.handle(ctx.request(), null));
    port =
        await(vertx.createHttpServer(serverOptions).requestHandler(router).listen(0)).actualPort();
    client = new TestClient(vertx, port);
  }

  @Test
  void pollingHandshakeHasExactlyTheFiveKeys() {
    start(options().setPingInterval(300).setPingTimeout(200).setMaxPayload(1000));
    Response response = client.get(POLL);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headers().get("content-type")).isEqualTo("text/plain; charset=UTF-8");
    assertThat(response.body()).startsWith("0");
    JsonObject open = new JsonObject(response.body().substring(1));
    assertThat(open.fieldNames())
        .containsExactlyInAnyOrder("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    assertThat(open.getJsonArray("upgrades").getList()).containsExactly("websocket");
    assertThat(open.getLong("pingInterval")).isEqualTo(300);
    assertThat(open.getLong("pingTimeout")).isEqualTo(200);
    assertThat(open.getLong("maxPayload")).isEqualTo(1000);
  }

  @Test
  void webSocketHandshakeOffersNoUpgrades() {
    start(options());
    try (TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket")) {
      JsonObject open = ws.readOpen();
      assertThat(open.fieldNames())
          .containsExactlyInAnyOrder(
              "sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
      assertThat(open.getJsonArray("upgrades").isEmpty()).isTrue();
    }
  }

  @Test
  void pollIsHeldUntilDataThenGetsEverythingQueuedJoinedByRecordSeparator() {
    start(options());
    String sid = client.openPolling(PATH);
    Future<Response> poll = client.getAsync(POLL + "&sid=" + sid);

    Response post = client.post(POLL + "&sid=" + sid, "4test1\u001e4test2\u001ebAQIDBA==");

    assertThat(post.status()).isEqualTo(200);
    assertThat(post.body()).isEqualTo("ok");
    Response polled = await(poll);
    String all = polled.body();
    if (!all.contains("bAQIDBA==")) { // the echo may have been split over two polls
      all += "\u001e" + client.get(POLL + "&sid=" + sid).body();
    }
    assertThat(all).isEqualTo("4test1\u001e4test2\u001ebAQIDBA==");
  }

  @Test
  void badRequestsGet400WithEngineIoErrorCodes() {
    start(options());
    assertError(client.get(PATH + "?transport=polling"), 400, 5, "Unsupported protocol version");
    assertError(
        client.get(PATH + "?EIO=3&transport=polling"), 400, 5, "Unsupported protocol version");
    assertError(client.get(PATH + "?EIO=4"), 400, 0, "Transport unknown");
    assertError(client.get(PATH + "?EIO=4&transport=abc"), 400, 0, "Transport unknown");
    assertError(client.post(POLL, ""), 400, 2, "Bad handshake method");
    assertError(client.get(POLL + "&sid=nope"), 400, 1, "Session ID unknown");
    assertError(client.get(PATH + "?EIO=4&transport=websocket"), 400, 3, "Bad request");
  }

  private static void assertError(Response response, int status, int code, String message) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.json())
        .isEqualTo(new JsonObject().put("code", code).put("message", message));
  }

  @Test
  void secondConcurrentPollClosesTheSessionAndTheFirstPollGetsClose() {
    start(options());
    String sid = client.openPolling(PATH);
    Future<Response> first = client.getAsync(POLL + "&sid=" + sid);
    sleep(100);

    Response second = client.get(POLL + "&sid=" + sid);

    assertThat(second.status()).isEqualTo(400);
    assertThat(await(first).body()).isEqualTo("1");
    assertThat(client.get(POLL + "&sid=" + sid).status()).isEqualTo(400);
    assertThat(closeReasons).containsExactly("transport error");
  }

  @Test
  void invalidPacketInPostClosesTheSession() {
    start(options());
    String sid = client.openPolling(PATH);

    assertThat(client.post(POLL + "&sid=" + sid, "abc").status()).isEqualTo(400);
    assertThat(client.get(POLL + "&sid=" + sid).status()).isEqualTo(400);
    assertThat(closeReasons).containsExactly("parse error");
  }

  @Test
  void postLargerThanMaxPayloadIsRefusedWith413() {
    start(options().setMaxPayload(100));
    String sid = client.openPolling(PATH);

    Response response = client.post(POLL + "&sid=" + sid, "4" + "x".repeat(200));

    assertThat(response.status()).isEqualTo(413);
    assertThat(client.get(POLL + "&sid=" + sid).status()).isEqualTo(400);
  }

  @Test
  void clientCloseReleasesThePendingPollWithNoop() {
    start(options());
    String sid = client.openPolling(PATH);
    Future<Response> poll = client.getAsync(POLL + "&sid=" + sid);
    sleep(100);

    client.post(POLL + "&sid=" + sid, "1");

    assertThat(await(poll).body()).isEqualTo("6");
    assertThat(client.get(POLL + "&sid=" + sid).status()).isEqualTo(400);
    assertThat(closeReasons).containsExactly("transport close");
  }

  @Test
  void pollingSessionWithoutPongIsClosedAfterPingTimeout() {
    start(options().setPingInterval(100).setPingTimeout(100));
    String sid = client.openPolling(PATH);

    assertThat(client.get(POLL + "&sid=" + sid).body()).isEqualTo("2");
    sleep(250);

    assertThat(client.get(POLL + "&sid=" + sid).status()).isEqualTo(400);
    assertThat(closeReasons).containsExactly("ping timeout");
  }

  @Test
  void pollingSessionThatNeverPollsAgainExpires() {
    start(options().setPingInterval(100).setPingTimeout(100));
    String sid = client.openPolling(PATH);
    // No poll ever comes, so the ping is never even delivered: the session still ends.
    long deadline = System.currentTimeMillis() + 10_000;
    while (closeReasons.isEmpty() && System.currentTimeMillis() < deadline) {
      sleep(20);
    }
    assertThat(closeReasons).containsExactly("ping timeout");
    assertThat(client.get(POLL + "&sid=" + sid).status()).isEqualTo(400);
  }

  @Test
  void aLongSessionIdIsAnUnknownSessionAndAHugeOneNeverReachesTheServer() {
    start(options());
    TestClient.Response response = client.get(POLL + "&sid=" + "A".repeat(3000));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("Session ID unknown");
    // Past the HTTP decoder's 4,096-byte request line.
    assertThat(client.get(POLL + "&sid=" + "A".repeat(6000)).status()).isEqualTo(414);
  }

  @Test
  void pongsKeepThePollingSessionAlive() {
    // 12 rounds of >= 50 ms outlive interval + timeout (550 ms) only if each pong counts.
    start(options().setPingInterval(50).setPingTimeout(500));
    String sid = client.openPolling(PATH);
    for (int i = 0; i < 12; i++) {
      assertThat(client.get(POLL + "&sid=" + sid).body()).isEqualTo("2");
      assertThat(client.post(POLL + "&sid=" + sid, "3").body()).isEqualTo("ok");
    }
    assertThat(closeReasons).isEmpty();
  }

  @Test
  void webSocketWithoutPongIsClosedAfterPingTimeout() throws Exception {
    start(options().setPingInterval(100).setPingTimeout(100));
    try (TestWebSocket ws =
        client.webSocket(PATH + "?EIO=4&transport=websocket").answerPings(false)) {
      ws.readOpen();
      assertThat(ws.nextText()).isEqualTo("2");
      assertThat(ws.awaitClose(2000)).isTrue();
    }
    assertThat(closeReasons).containsExactly("ping timeout");
  }

  @Test
  void webSocketEchoesTextAndRawBinaryFrames() {
    start(options());
    try (TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket")) {
      ws.readOpen();
      ws.send("4hello");
      ws.send(Buffer.buffer(new byte[] {1, 2, 3, 4}));
      assertThat(ws.next()).isEqualTo("4hello");
      assertThat(ws.next()).isEqualTo(Buffer.buffer(new byte[] {1, 2, 3, 4}));
    }
  }

  @Test
  void invalidWebSocketPacketClosesTheConnection() throws Exception {
    start(options());
    try (TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket")) {
      ws.readOpen();
      ws.send("abc");
      assertThat(ws.awaitClose(2000)).isTrue();
    }
  }

  @Test
  void upgradeFromPollingToWebSocket() throws Exception {
    start(options());
    String sid = client.openPolling(PATH);
    Future<Response> pendingPoll = client.getAsync(POLL + "&sid=" + sid);
    TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket&sid=" + sid);

    ws.send("2probe");
    assertThat(ws.nextText()).isEqualTo("3probe");
    assertThat(await(pendingPoll).body()).as("pending poll released").isEqualTo("6");
    assertThat(client.get(POLL + "&sid=" + sid).body())
        .as("polls during the upgrade")
        .isEqualTo("6");
    ws.send("5");
    ws.send("4after upgrade");

    assertThat(ws.nextText()).isEqualTo("4after upgrade");
    assertError(client.get(POLL + "&sid=" + sid), 400, 3, "Bad request");
    try (TestWebSocket duplicate =
        client.webSocket(PATH + "?EIO=4&transport=websocket&sid=" + sid)) {
      assertThat(duplicate.awaitClose(2000)).as("second WebSocket for the sid").isTrue();
    }
    ws.send("4still open");
    assertThat(ws.nextText()).isEqualTo("4still open");
    ws.close();
  }

  @Test
  void aProbeThatSendsAnythingElseIsClosedAndTheSessionKeepsPolling() throws Exception {
    start(options());
    String sid = client.openPolling(PATH);
    TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket&sid=" + sid);
    ws.send("2probe");
    assertThat(ws.nextText()).isEqualTo("3probe");

    ws.send("4not an upgrade");

    assertThat(ws.awaitClose(2000)).as("the probe is closed").isTrue();
    client.post(POLL + "&sid=" + sid, "4still polling");
    String polled = client.get(POLL + "&sid=" + sid).body();
    assertThat(polled).as("the NOOP of the probe, then the echo").endsWith("4still polling");
    try (TestWebSocket again = client.webSocket(PATH + "?EIO=4&transport=websocket&sid=" + sid)) {
      again.send("2probe");
      assertThat(again.nextText()).as("a new probe may upgrade").isEqualTo("3probe");
    }
  }

  @Test
  void aProbeThatNeverUpgradesIsClosedAfterTheUpgradeTimeout() throws Exception {
    start(options().setUpgradeTimeout(200));
    String sid = client.openPolling(PATH);
    TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket&sid=" + sid);
    ws.send("2probe");
    assertThat(ws.nextText()).isEqualTo("3probe");

    assertThat(ws.awaitClose(10_000)).as("closed by the upgrade timeout").isTrue();
    client.post(POLL + "&sid=" + sid, "4still polling");
    assertThat(client.get(POLL + "&sid=" + sid).body()).endsWith("4still polling");
  }

  @Test
  void packetsQueuedDuringTheUpgradeGoOutOnTheWebSocket() {
    List<EngineIoSession> sessions = new CopyOnWriteArrayList<>();
    start(options(), new HttpServerOptions(), sessions::add);
    String sid = client.openPolling(PATH);
    TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket&sid=" + sid);
    ws.send("2probe");
    assertThat(ws.nextText()).isEqualTo("3probe");

    EngineIoSession session = sessions.get(0);
    session.execute(() -> session.send("queued"));
    assertThat(client.get(POLL + "&sid=" + sid).body()).isEqualTo("6");
    ws.send("5");

    assertThat(ws.nextText()).isEqualTo("4queued");
    ws.close();
  }

  /** Starts an app sending each comma-separated part of a text message, all in the same turn. */
  private List<EngineIoSession> startSplitter(SocketIoOptions options) {
    List<EngineIoSession> sessions = new CopyOnWriteArrayList<>();
    start(
        options,
        new HttpServerOptions(),
        session -> {
          sessions.add(session);
          session.textHandler(text -> List.of(text.split(",")).forEach(session::send));
        });
    return sessions;
  }

  /** {batches written, coalescing timers set} of the session's WebSocket, read on its context. */
  private static List<Integer> batchStats(EngineIoSession session) throws Exception {
    CompletableFuture<List<Integer>> stats = new CompletableFuture<>();
    session.execute(
        () -> {
          EngineIoWebSocket ws = session.webSocketTransport();
          stats.complete(List.of(ws.batchesWritten(), ws.batchTimersSet()));
        });
    return stats.get(5, TimeUnit.SECONDS);
  }

  @Test
  void eventsOfOneTurnGoOutAtOnceWithNoBatchAndNoTimer() throws Exception {
    assertThat(options().getWriteCoalescingDelay()).isZero();
    List<EngineIoSession> sessions = startSplitter(options());
    try (TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket")) {
      ws.readOpen();
      ws.send("4last token,done");

      assertThat(ws.nextText()).isEqualTo("4last token");
      assertThat(ws.nextText()).isEqualTo("4done");
      // "done" did not wait for the write of "last token" to complete: no batch, no timer.
      assertThat(batchStats(sessions.get(0))).containsExactly(0, 0);
    }
  }

  @Test
  void coalescingDelayHoldsTheBatchOnATimer() throws Exception {
    List<EngineIoSession> sessions = startSplitter(options().setWriteCoalescingDelay(5));
    try (TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket")) {
      ws.readOpen();
      ws.send("4a,b,c");

      assertThat(ws.nextText()).isEqualTo("4a");
      assertThat(ws.nextText()).isEqualTo("4b");
      assertThat(ws.nextText()).isEqualTo("4c");
      assertThat(batchStats(sessions.get(0))).containsExactly(1, 1);
    }
  }

  @Test
  void batchOfHalfTheWriteQueueGoesOutWithoutWaitingForTheDelay() throws Exception {
    List<EngineIoSession> sessions =
        startSplitter(options().setWriteCoalescingDelay(60_000).setWriteQueueMaxSize(1000));
    try (TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket")) {
      ws.readOpen();
      ws.send("4a,b");
      assertThat(ws.nextText()).isEqualTo("4a");
      ws.assertSilentFor(300); // "b" waits for the (long) delay

      String big = "x".repeat(600);
      ws.send("4" + big);
      assertThat(ws.nextText()).isEqualTo("4b");
      assertThat(ws.nextText()).isEqualTo("4" + big);
      assertThat(batchStats(sessions.get(0))).containsExactly(1, 1);
    }
  }

  @Test
  void writeCoalescingDelayIsCopiedAndNeverNegative() {
    assertThat(new SocketIoOptions(options().setWriteCoalescingDelay(5)).getWriteCoalescingDelay())
        .isEqualTo(5);
    assertThatThrownBy(() -> options().setWriteCoalescingDelay(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serverOptionsFromApplyToNeverNegotiatePermessageDeflate() {
    SocketIoOptions options = options();
    start(options, options.applyTo(new HttpServerOptions()), s -> {});
    client.close();
    client =
        new TestClient(
            vertx, port, new WebSocketClientOptions().setTryUsePerMessageCompression(true));
    try (TestWebSocket ws = client.webSocket(PATH + "?EIO=4&transport=websocket")) {
      assertThat(ws.raw().headers().get("sec-websocket-extensions")).isNull();
    }
  }

  @Test
  void corsEchoesTheOriginWithCredentials() {
    start(options());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://app.example");
    Response response = await(client.send(HttpMethod.GET, POLL, null, headers));

    assertThat(response.headers().get("access-control-allow-origin"))
        .isEqualTo("https://app.example");
    assertThat(response.headers().get("access-control-allow-credentials")).isEqualTo("true");

    Response preflight =
        await(
            client.send(
                HttpMethod.OPTIONS,
                POLL,
                null,
                MultiMap.caseInsensitiveMultiMap()
                    .add("Origin", "https://app.example")
                    .add("Access-Control-Request-Method", "POST")
                    .add("Access-Control-Request-Headers", "content-type")));
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.headers().get("access-control-allow-methods")).isEqualTo("GET, POST");
    assertThat(preflight.headers().get("access-control-allow-headers")).isEqualTo("content-type");
  }

  @Test
  void originsOutsideTheAllowListAreForbidden() {
    start(options().setAllowRequest(EngineIoServerTest::fromAppOrNoBrowser));
    MultiMap evil = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://evil.example");

    assertError(await(client.send(HttpMethod.GET, POLL, null, evil)), 403, 4, "Forbidden");
    assertThat(client.get(POLL).status()).as("no Origin: not a browser").isEqualTo(200);
  }

  @Test
  void webSocketUpgradeFromForbiddenOriginIsRefused() {
    start(options().setAllowRequest(EngineIoServerTest::fromAppOrNoBrowser));
    WebSocketConnectOptions connect =
        new WebSocketConnectOptions()
            .setURI(PATH + "?EIO=4&transport=websocket")
            .addHeader("Origin", "https://evil.example");
    assertThat(
            client
                .vertx()
                .createWebSocketClient()
                .connect(connect.setHost("localhost").setPort(port))
                .toCompletionStage()
                .toCompletableFuture()
                .handle((ws, err) -> err)
                .join())
        .isNotNull();
  }

  private static boolean fromAppOrNoBrowser(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    return origin == null || origin.equals("https://app.example");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
