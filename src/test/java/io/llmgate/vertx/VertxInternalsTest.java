package io.llmgate.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins each Vert.x internal that {@link VertxInternals} relies on, against a real server and client: after
 * a Vert.x upgrade, a failure here names the shortcut that no longer holds (it would otherwise fall back
 * silently to a slower path, or stop compiling in one place only).
 */
class VertxInternalsTest {
  private Vertx vertx;
  private HttpServer server;
  private final CompletableFuture<Boolean> consolidated = new CompletableFuture<>();
  private final CompletableFuture<Boolean> handlerInPipeline = new CompletableFuture<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
        .connectionHandler(connection -> {
          consolidated.complete(VertxInternals.consolidateFlushes(connection));
          handlerInPipeline.complete(connection instanceof ConnectionBase base
              && base.channel().pipeline().get(FlushConsolidationHandler.class) != null);
        })
        .requestHandler(request -> request.response().end(VertxInternals.buffer(utf8("héllo"))))
        .listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aBufferReadFromTheNetworkLendsItsOwnHeapByteBuf() throws Exception {
    Buffer body = get();

    assertThat(body).as("Vert.x reads into BufferImpl, whose ByteBuf is lent as is").isInstanceOf(BufferImpl.class);
    ByteBuf lent = VertxInternals.byteBuf(body);
    assertThat(lent).isSameAs(((BufferImpl) body).byteBuf());
    assertThat(lent.hasArray()).as("a heap buffer: the SSE decoder reads its array").isTrue();
    assertThat(lent.toString(StandardCharsets.UTF_8)).isEqualTo("héllo");
  }

  @Test
  void aFilledHeapBufferIsSentWithoutACopy() throws Exception {
    ByteBuf bytes = VertxInternals.heapBuffer(4);
    bytes.writeBytes("abcd".getBytes(StandardCharsets.US_ASCII));
    Buffer wrapped = VertxInternals.buffer(bytes);

    assertThat(bytes.isDirect()).isFalse();
    bytes.setByte(0, 'z');
    assertThat(wrapped.toString()).as("the Buffer shares the bytes").isEqualTo("zbcd");
    assertThat(get().toString(StandardCharsets.UTF_8)).isEqualTo("héllo");
  }

  @Test
  void aServerConnectionGetsTheFlushConsolidationHandler() throws Exception {
    get();

    assertThat(consolidated.get(10, TimeUnit.SECONDS)).as("the connection is a Netty ConnectionBase").isTrue();
    assertThat(handlerInPipeline.get(10, TimeUnit.SECONDS)).as("its pipeline has the handler").isTrue();
  }

  private Buffer get() throws Exception {
    return vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
        .compose(request -> request.send().compose(HttpClientResponse::body))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ByteBuf utf8(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return VertxInternals.heapBuffer(bytes.length).writeBytes(bytes);
  }
}
