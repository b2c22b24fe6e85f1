package io.llmgate.cluster;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1, port 0, between a node and Redis, that can hold Redis's answers back: the node's
 * commands still reach Redis at once, in order, but it hears nothing until {@link #letThrough()}, when the
 * held answers go on in order. A node behind it sees a Redis that runs its commands and answers slowly.
 */
final class AnswerHoldingProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private volatile boolean holding;

  /** One client connection: its answers, once held, are all written by its own context, in order. */
  private record Link(Context context, NetSocket front, ArrayDeque<Buffer> held) {
    void answer(Buffer answer, boolean holding) {
      if (holding || !held.isEmpty()) {
        held.add(answer);
      } else {
        front.write(answer);
      }
    }

    void drain() {
      for (Buffer answer = held.poll(); answer != null; answer = held.poll()) {
        front.write(answer);
      }
    }
  }

  AnswerHoldingProxy(Vertx vertx, String redisUrl) {
    URI redis = URI.create(redisUrl);
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(front -> {
      front.pause();
      client.connect(redis.getPort(), "127.0.0.1").onSuccess(back -> {
        Link link = new Link(Vertx.currentContext(), front, new ArrayDeque<>());
        links.add(link);
        back.handler(answer -> link.answer(answer, holding));
        front.handler(back::write);
        back.closeHandler(v -> front.close());
        front.closeHandler(v -> back.close());
        front.resume();
      }).onFailure(failed -> front.close());
    }).listen(0, "127.0.0.1").await();
  }

  String url() {
    return "redis://127.0.0.1:" + server.actualPort();
  }

  void hold() {
    holding = true;
  }

  void letThrough() {
    holding = false;
    links.forEach(link -> link.context().runOnContext(v -> link.drain()));
  }

  @Override
  public void close() {
    server.close().await();
    client.close().await();
  }
}
