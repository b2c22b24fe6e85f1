package io.llmgate.session;

import io.llmgate.stream.StreamEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The indexed events of one stream (tokens, reasoning, tool-call fragments), packed for the replay store:
 * their texts in one builder, and per event only its end offset, kind and time. Kept as records, each event would cost four objects
 * (event, String, its bytes, Instant; about 150 bytes for a short token) that all survive into the old
 * generation for the resume window; at 50,000 tokens a second that promotion made every young collection
 * slower. Packed, an event costs its text and 16 bytes, and nothing per event for the collector to trace.
 * A tool-call fragment's kind is its call's index, which names the call's id and name, kept once per call.
 *
 * <p>Indexes count up by one from the first event, as {@link StreamSession} numbers them; the oldest events
 * can be dropped. Not thread-safe: the store guards it.
 */
final class PackedEventLog {
  private static final int INITIAL_CAPACITY = 16;
  private static final int TOKEN = -1;
  private static final int REASONING = -2;

  /** A tool call's id and name, shared by all its fragments. */
  private record Call(String id, String name) {}

  private final StringBuilder texts = new StringBuilder();
  private int[] textEnds = new int[INITIAL_CAPACITY];
  private long[] epochNanos = new long[INITIAL_CAPACITY];
  /** {@link #TOKEN}, {@link #REASONING}, or the call index of a tool-call fragment. */
  private int[] kinds = new int[INITIAL_CAPACITY];
  private final List<Call> calls = new ArrayList<>();
  private long firstIndex = -1; // index of the event in slot 0
  private int head; // slots before it were dropped
  private int tail; // next free slot

  int size() {
    return tail - head;
  }

  void add(StreamEvent.Token token) {
    add(token.index(), token.token(), TOKEN, token.timestamp());
  }

  void add(StreamEvent.Reasoning piece) {
    add(piece.index(), piece.token(), REASONING, piece.timestamp());
  }

  /** A fragment of call {@code callIndex}: calls begin in index order, so its first fragment comes first. */
  void add(StreamEvent.ToolCallDelta fragment) {
    if (fragment.callIndex() == calls.size()) {
      calls.add(new Call(fragment.id(), fragment.name()));
    }
    add(fragment.index(), fragment.argumentsDelta(), fragment.callIndex(), fragment.timestamp());
  }

  private void add(long index, String text, int kind, Instant at) {
    if (firstIndex < 0) {
      firstIndex = index;
    }
    if (tail == textEnds.length) {
      grow();
    }
    texts.append(text);
    textEnds[tail] = texts.length();
    epochNanos[tail] = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    kinds[tail] = kind;
    tail++;
  }

  /** Characters of text the kept events hold. */
  int keptChars() {
    return head == tail ? 0 : textEnds[tail - 1] - textStart(head);
  }

  private int textStart(int slot) {
    return slot == 0 ? 0 : textEnds[slot - 1];
  }

  /**
   * Drops the oldest event; returns its index. Its text goes once dropped text is half the builder, so the
   * builder holds at most twice what is kept.
   */
  long dropFirst() {
    long dropped = firstIndex + head;
    head++;
    if (textStart(head) > texts.length() / 2) {
      compact();
    }
    return dropped;
  }

  /** Appends, as events of stream {@code sessionId}, those with {@code index > lastIndex}. */
  void eventsAfter(String sessionId, long lastIndex, List<StreamEvent> out) {
    long fromSlot = Math.max(head, lastIndex + 1 - firstIndex);
    for (int slot = (int) Math.min(fromSlot, tail); slot < tail; slot++) {
      String text = texts.substring(textStart(slot), textEnds[slot]);
      Instant at = Instant.ofEpochSecond(0, epochNanos[slot]);
      long index = firstIndex + slot;
      out.add(event(sessionId, kinds[slot], text, index, at));
    }
  }

  private StreamEvent event(String sessionId, int kind, String text, long index, Instant at) {
    if (kind == TOKEN) {
      return new StreamEvent.Token(sessionId, text, index, at);
    }
    if (kind == REASONING) {
      return new StreamEvent.Reasoning(sessionId, text, index, at);
    }
    Call call = calls.get(kind);
    return new StreamEvent.ToolCallDelta(sessionId, index, kind, call.id(), call.name(), text, at);
  }

  /** Makes room at the end: first by forgetting dropped slots if they are half the log, else by doubling. */
  private void grow() {
    if (head >= tail / 2) {
      compact();
      return;
    }
    int capacity = textEnds.length * 2;
    textEnds = Arrays.copyOf(textEnds, capacity);
    epochNanos = Arrays.copyOf(epochNanos, capacity);
    kinds = Arrays.copyOf(kinds, capacity);
  }

  /** Forgets the dropped slots and their text. */
  private void compact() {
    int textStart = textStart(head);
    texts.delete(0, textStart);
    int kept = tail - head;
    for (int slot = 0; slot < kept; slot++) {
      textEnds[slot] = textEnds[head + slot] - textStart;
    }
    System.arraycopy(epochNanos, head, epochNanos, 0, kept);
    System.arraycopy(kinds, head, kinds, 0, kept);
    firstIndex += head;
    head = 0;
    tail = kept;
  }
}
