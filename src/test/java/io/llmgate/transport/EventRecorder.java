package io.llmgate.transport;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What a client received on one stream, in protocol terms: event names of protocol.md and their payloads,
 * each stamped with {@code System.nanoTime()} on arrival. Acknowledgements are kept apart.
 */
public final class EventRecorder {
  public static final String START = "llm:stream:start";
  public static final String TOKEN = "llm:stream:token";
  public static final String REASONING = "llm:stream:reasoning";
  public static final String TOOL_CALL = "llm:stream:tool_call";
  public static final String DONE = "llm:stream:done";
  public static final String ERROR = "llm:stream:error";
  public static final String CANCELLED = "llm:stream:cancelled";
  private static final Set<String> FINAL = Set.of(DONE, ERROR, CANCELLED);

  public record Received(String event, JsonObject data, long atNanos) {}

  private final List<Received> events = new CopyOnWriteArrayList<>();
  private final List<Received> acknowledgements = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Received> finalEvent = new CompletableFuture<>();

  public void add(String event, JsonObject data) {
    Received received = new Received(event, data, System.nanoTime());
    if (event.endsWith(":acknowledged")) {
      acknowledgements.add(received);
      return;
    }
    events.add(received);
    if (FINAL.contains(event)) {
      finalEvent.complete(received);
    }
  }

  public List<Received> events() {
    return List.copyOf(events);
  }

  public List<Received> acknowledgements() {
    return List.copyOf(acknowledgements);
  }

  public List<String> names() {
    return events.stream().map(Received::event).collect(Collectors.toList());
  }

  public List<Received> named(String event) {
    return events.stream().filter(e -> e.event().equals(event)).collect(Collectors.toList());
  }

  public List<String> tokens() {
    return named(TOKEN).stream().map(e -> e.data().getString("token")).collect(Collectors.toList());
  }

  public Received awaitFinal(Duration timeout) throws Exception {
    try {
      return finalEvent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no final event within " + timeout + "; received " + summary(), e);
    }
  }

  public void awaitCount(String event, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (named(event).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + count + " " + event + " within " + timeout + "; received " + summary());
      }
      Thread.sleep(5);
    }
  }

  /** The names in order, runs of one name collapsed ({@code llm:stream:token x2000}). */
  public String summary() {
    StringBuilder text = new StringBuilder("[");
    List<String> names = names();
    for (int i = 0; i < names.size(); ) {
      int run = i;
      while (run < names.size() && names.get(run).equals(names.get(i))) {
        run++;
      }
      text.append(text.length() > 1 ? ", " : "").append(names.get(i)).append(run - i > 1 ? " x" + (run - i) : "");
      i = run;
    }
    return text.append(']').toString();
  }

  public long finalCount() {
    return events.stream().filter(e -> FINAL.contains(e.event())).count();
  }
}
