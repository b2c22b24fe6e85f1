package io.llmgate.session;

/**
 * How much of one stream's indexed events (tokens, reasoning, tool-call fragments) a replay log keeps: at
 * most {@code eventsPerStream} of them and {@code charsPerStream} characters of their text, the newest, and
 * always the newest event, however long. One rule for the log in memory and the one in Redis, so that a
 * resume from either gets the same events, or the same {@code resume_gap}.
 */
public record ReplayBounds(int eventsPerStream, int charsPerStream) {

  /** Whether a log of {@code events} events holding {@code chars} characters must drop its oldest event. */
  public boolean exceededBy(int events, long chars) {
    return events > eventsPerStream || (events > 1 && chars > charsPerStream);
  }

  /** Whether keeping one more event would make such a log drop one. */
  boolean reachedBy(int events, long chars) {
    return events >= eventsPerStream || chars >= charsPerStream;
  }
}
