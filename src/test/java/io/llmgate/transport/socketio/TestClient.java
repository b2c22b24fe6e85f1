package io.llmgate.transport.socketio;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** Raw HTTP and WebSocket requests against a server under test, blocking for the test thread. */
final class TestClient implements AutoCloseable {

  record Response(int status, String body, MultiMap headers) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx;
  private final int port;
  private final HttpClient http;
  private final WebSocketClient webSockets;

  TestClient(Vertx vertx, int port) {
    this(vertx, port, new WebSocketClientOptions());
  }

  TestClient(Vertx vertx, int port, WebSocketClientOptions webSocketOptions) {
    this.vertx = vertx;
    this.port = port;
    // A connection per request keeps each test's requests independent. Keep-alive against this server
    // is covered by the official suites (node-fetch reuses connections).
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    this.webSockets =
        vertx.createWebSocketClient(
            webSocketOptions.setMaxFrameSize(2_000_000).setMaxMessageSize(2_000_000));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  Future<Response> send(HttpMethod method, String uri, Buffer body, MultiMap headers) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost("localhost")
            .setPort(port)
            .setURI(uri)
            .setHeaders(headers);
    // body() is asked for in the callback of send() itself: one compose-hop later, the body of a small
    // response may already have gone by and the future never completes (the "Connection evicted" hang).
    return http.request(options)
        .compose(
            request ->
                (body == null ? request.send() : request.send(body))
                    .compose(
                        response ->
                            response
                                .body()
                                .map(
                                    b ->
                                        new Response(
                                            response.statusCode(), b.toString(), response.headers()))));
  }

  Response get(String uri) {
    return await(send(HttpMethod.GET, uri, null, MultiMap.caseInsensitiveMultiMap()));
  }

  Future<Response> getAsync(String uri) {
    return send(HttpMethod.GET, uri, null, MultiMap.caseInsensitiveMultiMap());
  }

  Response post(String uri, String body) {
    return await(
        send(HttpMethod.POST, uri, Buffer.buffer(body), MultiMap.caseInsensitiveMultiMap()));
  }

  /** Opens a polling session on {@code path} and returns its sid. */
  String openPolling(String path) {
    Response handshake = get(path + "?EIO=4&transport=polling");
    return new JsonObject(handshake.body().substring(1)).getString("sid");
  }

  TestWebSocket webSocket(String uri) {
    return webSocket(new WebSocketConnectOptions().setURI(uri));
  }

  TestWebSocket webSocket(WebSocketConnectOptions options) {
    // Handlers go on before connecting: set in a callback of connect() they can miss the server's first
    // frame (Engine.IO OPEN) when this thread attaches the callback after the socket opened.
    ClientWebSocket ws = webSockets.webSocket();
    TestWebSocket test = new TestWebSocket(ws);
    await(ws.connect(options.setHost("localhost").setPort(port)));
    return test;
  }

  Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    http.close();
    webSockets.close();
  }
}
