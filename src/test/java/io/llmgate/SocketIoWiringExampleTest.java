package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.NodeTests;
import io.llmgate.transport.socketio.SocketIoException;
import io.llmgate.transport.socketio.SocketIoOptions;
import io.llmgate.transport.socketio.SocketIoServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wiring example of docs/socketio.md is {@link #wire}'s body, marked below (DocsTest keeps the two the
 * same): it compiles here, outside the server's package (so only its public API), and serves the npm
 * socket.io-client.
 */
class SocketIoWiringExampleTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void theDocumentedWiringServesTheNpmClient() throws Exception {
    Queue<String> departures = new ConcurrentLinkedQueue<>();
    HttpServer server = wire(vertx, 0, departures).await();

    NodeTests.run("socketio-wiring.test.mjs", Map.of("EXAMPLE_URL", "http://127.0.0.1:" + server.actualPort()));

    // Each socket.disconnect() of the Node tests reached the disconnect handler, over both transports.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (departures.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(List.copyOf(departures))
        .containsExactly("alice: client namespace disconnect", "alice: client namespace disconnect");
  }

  static Future<HttpServer> wire(Vertx vertx, int port, Queue<String> departures) {
    // docs/socketio.md wiring: begin
    SocketIoOptions sio = new SocketIoOptions()               // defaults: /socket.io/, 25 s / 20 s, 1 MB
        .setPingInterval(25_000).setPingTimeout(20_000).setConnectTimeout(45_000).setMaxPayload(1_000_000);
    SocketIoServer io = SocketIoServer.create(vertx, sio);
    io.namespace("/")
        .authHandler(auth -> "letmein".equals(auth.getString("token"))  // the principal; failure -> connect_error
            ? Future.succeededFuture("alice") : Future.failedFuture(new SocketIoException("bad token")))
        .connectionHandler(socket -> {
          socket.on("echo", (args, ack) -> ack.ifPresent(a -> a.send(socket.principal() + " said " + args.get(0))));
          socket.disconnectHandler(reason -> departures.add(socket.principal() + ": " + reason));
        });
    Router router = Router.router(vertx);
    io.mount(router);                                            // router.route("/socket.io/*")
    return vertx.createHttpServer(sio.applyTo(new HttpServerOptions())).requestHandler(router)
        .listen(port, "127.0.0.1");
    // shutdown: io.close() (clients see a transport close and reconnect elsewhere), then server.close()
    // docs/socketio.md wiring: end
  }
}
