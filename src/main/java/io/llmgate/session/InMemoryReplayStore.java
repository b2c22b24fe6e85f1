package io.llmgate.session;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.EventSink;
import io.llmgate.stream.Resumed;
import io.llmgate.stream.StreamEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@link ReplayStore} in this node's memory, bounded three ways: a stream keeps at most
 * {@code maxEventsPerStream} indexed events (tokens, reasoning, tool-call fragments) and
 * {@code maxCharsPerStream} characters of their text (the oldest are dropped first; its newest event, its start
 * and final event always stay); all streams together keep at most {@code maxEvents} events (the oldest stream is evicted
 * whole, running or not); an ended stream is forgotten {@code window} after its final event. Streams of
 * every event loop append here, so one lock guards it all: each call does O(1) work plus the evictions it
 * causes, which is cheap next to encoding the event it records.
 */
public final class InMemoryReplayStore implements ReplayStore {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_EVENTS_PER_STREAM = 10_000;
  public static final int DEFAULT_MAX_EVENTS = 250_000;
  public static final int DEFAULT_MAX_CHARS_PER_STREAM = 1_000_000;

  private record Key(String user, String sessionId) {}

  /**
   * One stream's kept events; {@code droppedThrough} is the highest index dropped to stay in bounds. Once
   * forgotten (evicted, replaced or expired) it keeps nothing more: {@code indexed} is null.
   */
  private final class Kept implements Recording {
    final Key key;
    PackedEventLog indexed = new PackedEventLog();
    StreamEvent start;
    StreamEvent end;
    long endedAtNanos;
    long droppedThrough = -1;

    Kept(Key key) {
      this.key = key;
    }

    int size() {
      return (indexed == null ? 0 : indexed.size()) + (start == null ? 0 : 1) + (end == null ? 0 : 1);
    }

    @Override
    public void append(StreamEvent event) {
      synchronized (InMemoryReplayStore.this) {
        keep(this, event);
      }
    }

    @Override
    public boolean full() {
      synchronized (InMemoryReplayStore.this) {
        return indexed == null || bounds.reachedBy(indexed.size(), indexed.keptChars());
      }
    }
  }

  private final Map<Key, Kept> kept = new LinkedHashMap<>();
  private final Deque<Kept> ended = new ArrayDeque<>();
  private final long windowNanos;
  private final ReplayBounds bounds;
  private final int maxEvents;
  private final LongSupplier nanoTime;
  private long total;

  public InMemoryReplayStore(Duration window, int maxEventsPerStream, int maxEvents) {
    this(window, maxEventsPerStream, DEFAULT_MAX_CHARS_PER_STREAM, maxEvents);
  }

  public InMemoryReplayStore(Duration window, int maxEventsPerStream, int maxCharsPerStream, int maxEvents) {
    this(window, maxEventsPerStream, maxCharsPerStream, maxEvents, System::nanoTime);
  }

  InMemoryReplayStore(Duration window, int maxEventsPerStream, int maxEvents, LongSupplier nanoTime) {
    this(window, maxEventsPerStream, DEFAULT_MAX_CHARS_PER_STREAM, maxEvents, nanoTime);
  }

  InMemoryReplayStore(Duration window, int maxEventsPerStream, int maxCharsPerStream, int maxEvents,
      LongSupplier nanoTime) {
    this.windowNanos = window.toNanos();
    this.bounds = new ReplayBounds(maxEventsPerStream, maxCharsPerStream);
    this.maxEvents = maxEvents;
    this.nanoTime = nanoTime;
  }

  public static InMemoryReplayStore withDefaults() {
    return new InMemoryReplayStore(DEFAULT_WINDOW, DEFAULT_MAX_EVENTS_PER_STREAM, DEFAULT_MAX_EVENTS);
  }

  /** What each stream keeps: a shared store mirroring this one keeps its log by the same bounds. */
  public ReplayBounds bounds() {
    return bounds;
  }

  @Override
  public synchronized Recording begin(String user, String sessionId) {
    expire();
    Key key = new Key(user, sessionId);
    forget(kept.get(key));
    Kept stream = new Kept(key);
    kept.put(key, stream);
    return stream;
  }

  private void keep(Kept stream, StreamEvent event) {
    if (stream.indexed == null || stream.end != null) {
      return; // evicted while running, or a late event after the final one: nothing to keep
    }
    switch (event.kind()) {
      case STARTED -> stream.start = event;
      case TOKEN -> stream.indexed.add((StreamEvent.Token) event);
      case REASONING -> stream.indexed.add((StreamEvent.Reasoning) event);
      case TOOL_CALL -> stream.indexed.add((StreamEvent.ToolCallDelta) event);
      case DONE, FAILED, CANCELLED -> ended(stream, event);
    }
    total++;
    while (bounds.exceededBy(stream.indexed.size(), stream.indexed.keptChars())) {
      stream.droppedThrough = stream.indexed.dropFirst();
      total--;
    }
    while (total > maxEvents && !kept.isEmpty()) {
      forget(kept.values().iterator().next());
    }
  }

  @Override
  public synchronized Future<List<StreamEvent>> eventsAfter(String user, String sessionId, long lastIndex) {
    expire();
    Kept stream = kept.get(new Key(user, sessionId));
    if (stream == null) {
      return Future.failedFuture(new GatewayException(ErrorCode.NOT_FOUND, "sessionId: \"" + sessionId
          + "\" has no stream to resume (expected: a stream of this user that ended less than "
          + Duration.ofNanos(windowNanos).toSeconds() + "s ago)"));
    }
    if (lastIndex < stream.droppedThrough) {
      return Future.failedFuture(ReplayStore.gap(lastIndex, stream.droppedThrough));
    }
    List<StreamEvent> events = new ArrayList<>();
    if (lastIndex < 0 && stream.start != null) {
      events.add(stream.start);
    }
    stream.indexed.eventsAfter(sessionId, lastIndex, events);
    if (stream.end != null) {
      events.add(stream.end);
    }
    return Future.succeededFuture(events);
  }

  /** This node's store sees only this node's streams: one not running here has ended, or is not kept. */
  @Override
  public Future<Resumed> resumeElsewhere(String user, String sessionId, long lastIndex, EventSink sink,
      Context here) {
    return eventsAfter(user, sessionId, lastIndex).map(events -> {
      here.runOnContext(v -> events.forEach(sink::send));
      return new Resumed(sessionId, lastIndex, events.size(), false, Instant.now());
    });
  }

  @Override
  public void forget(EventSink sink) {
    // nothing is followed from another node
  }

  /** Streams (running or ended) kept now; for tests and health. */
  synchronized int streams() {
    return kept.size();
  }

  synchronized long events() {
    return total;
  }

  private void ended(Kept stream, StreamEvent event) {
    stream.end = event;
    stream.endedAtNanos = nanoTime.getAsLong();
    ended.addLast(stream);
  }

  /** Ended streams expire in the order they ended, as the window is the same for all. */
  private void expire() {
    long now = nanoTime.getAsLong();
    for (Iterator<Kept> oldest = ended.iterator(); oldest.hasNext(); ) {
      Kept stream = oldest.next();
      if (now - stream.endedAtNanos < windowNanos) {
        return;
      }
      oldest.remove();
      forget(stream);
    }
  }

  private void forget(Kept stream) {
    if (stream != null && kept.remove(stream.key, stream)) {
      total -= stream.size();
      // It may still wait in {@code ended} until its window passes: keep only the empty shell there.
      stream.indexed = null;
      stream.start = null;
      stream.end = null;
    }
  }
}
