package io.llmgate.testing;

import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records what a client would receive; can pretend its write queue is full. */
public class RecordingSink implements EventSink {
  public final List<StreamEvent> events = new CopyOnWriteArrayList<>();
  public final CompletableFuture<StreamEvent> firstToken = new CompletableFuture<>();
  public final CompletableFuture<StreamEvent> finalEvent = new CompletableFuture<>();
  private final List<Runnable> drainWaiters = new ArrayList<>();
  public volatile boolean full;

  @Override
  public String transport() {
    return "test";
  }

  @Override
  public void send(StreamEvent event) {
    events.add(event);
    if (event.kind() == StreamEvent.Kind.TOKEN) {
      firstToken.complete(event);
    }
    if (event.isFinal()) {
      finalEvent.complete(event);
    }
  }

  @Override
  public boolean writeQueueFull() {
    return full;
  }

  @Override
  public void onDrain(Runnable callback) {
    if (!full) {
      callback.run();
    } else {
      drainWaiters.add(callback);
    }
  }

  public void drain() {
    full = false;
    List<Runnable> waiting = new ArrayList<>(drainWaiters);
    drainWaiters.clear();
    waiting.forEach(Runnable::run);
  }

  public List<StreamEvent.Kind> kinds() {
    return events.stream().map(StreamEvent::kind).collect(Collectors.toList());
  }

  public long finalCount() {
    return events.stream().filter(StreamEvent::isFinal).count();
  }
}
