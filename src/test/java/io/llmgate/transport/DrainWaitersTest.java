package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrainWaitersTest {
  /** A socket whose fullness the test sets; it keeps the one drain handler a WriteStream has. */
  static final class FakeSocket implements WriteStream<String> {
    boolean full;
    Handler<Void> drainHandler;

    void drain() {
      full = false;
      drainHandler.handle(null);
    }

    @Override
    public WriteStream<String> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> write(String data) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<String> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public WriteStream<String> drainHandler(Handler<Void> handler) {
      drainHandler = handler;
      return this;
    }
  }

  @Test
  void oneDrainResumesEveryStreamWaitingOnTheSocket() {
    FakeSocket socket = new FakeSocket();
    DrainWaiters waiters = new DrainWaiters(socket);
    List<String> resumed = new ArrayList<>();
    socket.full = true;

    waiters.onDrain(() -> resumed.add("first"));
    waiters.onDrain(() -> resumed.add("second"));
    assertThat(resumed).isEmpty();
    socket.drain();

    assertThat(resumed).containsExactly("first", "second");
    socket.full = true;
    socket.drain();
    assertThat(resumed).as("each callback runs once").hasSize(2);
  }

  @Test
  void runsAtOnceWhenTheSocketIsNotFull() {
    DrainWaiters waiters = new DrainWaiters(new FakeSocket());
    List<String> resumed = new ArrayList<>();
    waiters.onDrain(() -> resumed.add("now"));
    assertThat(resumed).containsExactly("now");
  }
}
