package io.llmgate.transport;

import io.vertx.core.Handler;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Backpressure of one client connection shared by the streams it carries. A {@link WriteStream} has a
 * single drain handler, but a WebSocket may carry several streams whose upstreams all paused on the same
 * full socket: each waits here, and one drain resumes them all. Used on the connection's context only.
 */
public final class DrainWaiters {
  private final BooleanSupplier full;
  private final List<Runnable> waiting = new ArrayList<>();

  public DrainWaiters(WriteStream<?> stream) {
    this(stream::writeQueueFull, stream::drainHandler);
  }

  /** For a connection that is no WriteStream (a Socket.IO socket): its queue test and its one drain handler. */
  public DrainWaiters(BooleanSupplier full, Consumer<Handler<Void>> drainHandler) {
    this.full = full;
    drainHandler.accept(v -> drained());
  }

  public boolean writeQueueFull() {
    return full.getAsBoolean();
  }

  /** Runs {@code callback} once when the queue drains, or now if it is not full. */
  public void onDrain(Runnable callback) {
    if (!full.getAsBoolean()) {
      callback.run();
      return;
    }
    waiting.add(callback);
  }

  private void drained() {
    List<Runnable> ready = new ArrayList<>(waiting);
    waiting.clear();
    ready.forEach(Runnable::run);
  }
}
