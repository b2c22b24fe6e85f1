package io.llmgate.cluster;

import io.llmgate.session.ReplayBounds;
import io.llmgate.stream.StreamEvent;
import java.util.Arrays;

/**
 * Which of one stream's indexed events its Redis log keeps: those its memory log keeps ({@link ReplayBounds},
 * the same rule applied to the same events), so that a resume read from Redis replays the same events, or
 * gets the same {@code resume_gap}, as one served from memory. It holds the text length of each kept event
 * (4 bytes), not the text. Not thread-safe: used from the stream's context.
 */
final class ReplayTrim {
  private static final int INITIAL_CAPACITY = 16;

  private final ReplayBounds bounds;
  /** The kept events' text lengths, oldest first, from {@code first}, wrapping around. */
  private int[] lengths = new int[INITIAL_CAPACITY];
  private int first;
  private int size;
  private long chars;
  private long droppedThrough = -1;

  ReplayTrim(ReplayBounds bounds) {
    this.bounds = bounds;
  }

  /** The stream sent {@code event}: drops the oldest events its log may no longer keep. */
  void add(StreamEvent.Indexed event) {
    if (size == lengths.length) {
      grow();
    }
    int length = chars(event);
    lengths[(first + size) % lengths.length] = length;
    size++;
    chars += length;
    while (bounds.exceededBy(size, chars)) {
      chars -= lengths[first];
      first = (first + 1) % lengths.length;
      size--;
      droppedThrough = event.index() - size;
    }
  }

  /** The highest index dropped so far, -1 if none: the log keeps only the entries after it. */
  long droppedThrough() {
    return droppedThrough;
  }

  /** Characters of text the memory log counts for {@code event} (a Java char each, as PackedEventLog keeps it). */
  private static int chars(StreamEvent.Indexed event) {
    return switch (event.kind()) {
      case TOKEN -> ((StreamEvent.Token) event).token().length();
      case REASONING -> ((StreamEvent.Reasoning) event).token().length();
      case TOOL_CALL -> ((StreamEvent.ToolCallDelta) event).argumentsDelta().length();
      case STARTED, DONE, FAILED, CANCELLED -> throw new IllegalArgumentException("not an indexed event: " + event);
    };
  }

  private void grow() {
    int[] grown = Arrays.copyOf(lengths, lengths.length * 2);
    // The slots before {@code first} wrapped around: they follow the old end.
    System.arraycopy(lengths, 0, grown, lengths.length, first);
    lengths = grown;
  }
}
