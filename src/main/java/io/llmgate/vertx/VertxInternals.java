package io.llmgate.vertx;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Optional;

/**
 * Every use llmgate makes of Vert.x's internals and of Netty's channel pipeline, in one place. Each saves
 * a copy, an allocation or a syscall per token; none is public API, so a Vert.x upgrade may break any of
 * them: VertxInternalsTest then fails on the one that broke (ArchitectureTest keeps them here).
 */
public final class VertxInternals {
  private VertxInternals() {}

  /**
   * The Netty buffer holding {@code buffer}'s bytes, lent without a copy. {@code BufferImpl} (every buffer
   * Vert.x reads from the network) hands over its own; {@code getByteBuf} would allocate a slice per read.
   */
  public static ByteBuf byteBuf(Buffer buffer) {
    return buffer instanceof BufferImpl impl ? impl.byteBuf() : ((BufferInternal) buffer).getByteBuf();
  }

  /** A heap buffer of Vert.x's own allocator, as {@code Buffer.buffer(int)} makes, to fill and then wrap. */
  public static ByteBuf heapBuffer(int capacity) {
    return VertxByteBufAllocator.DEFAULT.heapBuffer(capacity);
  }

  /** {@code bytes} as a Vert.x buffer, without a copy: a response sends it with no other wrapper. */
  public static Buffer buffer(ByteBuf bytes) {
    return BufferInternal.buffer(bytes);
  }

  /**
   * The Netty pipeline of {@code connection}, to add handlers to as it opens; empty when it has none (only
   * a Netty-backed connection, {@code ConnectionBase}, has one).
   */
  public static Optional<ChannelPipeline> pipeline(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? Optional.of(base.channel().pipeline()) : Optional.empty();
  }

  /**
   * Several tokens decoded from one upstream read are written to the client in the same event-loop turn;
   * Vert.x flushes each write at once (the read in progress is the upstream's, not the client's), one
   * syscall per token. This handler turns the flushes of one turn into one, at the end of the turn.
   * Returns whether it could: see {@link #pipeline}.
   */
  public static boolean consolidateFlushes(HttpConnection connection) {
    return pipeline(connection).map(pipeline -> pipeline.addFirst(new FlushConsolidationHandler(
        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))).isPresent();
  }
}
