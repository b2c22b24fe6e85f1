package io.llmgate.provider.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1, port 0, in front of an upstream, that holds its first connection silent: it is
 * accepted, but no byte crosses it either way until {@link #letThrough()} (or it is dropped by {@link #drop()}).
 * A client behind it sees its first connection stuck in its handshake; every later one is passed straight on.
 */
final class HandshakeHoldingProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final URI upstream;
  private final AtomicLong accepted = new AtomicLong();
  private final CompletableFuture<NetSocket> held = new CompletableFuture<>();
  private volatile Context heldOn;

  HandshakeHoldingProxy(Vertx vertx, String upstreamUrl) {
    this.upstream = URI.create(upstreamUrl);
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(front -> {
      front.pause();
      if (accepted.incrementAndGet() == 1) {
        heldOn = Vertx.currentContext();
        held.complete(front);
      } else {
        pipe(front);
      }
    }).listen(0, "127.0.0.1").await();
  }

  private void pipe(NetSocket front) {
    client.connect(upstream.getPort(), upstream.getHost()).onSuccess(back -> {
      back.handler(front::write);
      front.handler(back::write);
      back.closeHandler(v -> front.close());
      front.closeHandler(v -> back.close());
      front.resume();
    }).onFailure(failed -> front.close());
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Connections accepted so far, the held one included. */
  long accepted() {
    return accepted.get();
  }

  /** Whether the first connection has arrived (and is held). */
  boolean holding() {
    return held.isDone();
  }

  void letThrough() {
    heldOn.runOnContext(v -> pipe(held.join()));
  }

  /** Closes the held connection with not a byte answered, as a server that fails the handshake. */
  void drop() {
    heldOn.runOnContext(v -> held.join().close());
  }

  @Override
  public void close() {
    server.close().await();
    client.close().await();
  }
}
