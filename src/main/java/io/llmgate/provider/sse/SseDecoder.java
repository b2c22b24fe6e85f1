package io.llmgate.provider.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The WHATWG event-stream algorithm over raw bytes (wire-formats.md §2.1), with no HTTP in it. It splits
 * lines on the bytes CR, LF and CRLF — also when a CR ends one read and its LF starts the next — and
 * decodes only complete lines as UTF-8, so a character split across network reads survives, and U+2028
 * inside JSON is never taken for a line break. One instance per stream; not thread-safe.
 *
 * <p>Beyond the spec it keeps the lines a strict parser would drop (no colon, or a field name other than
 * {@code data}, {@code event}, {@code id}, {@code retry}): Gemini appends its mid-stream error as raw JSON
 * without SSE framing, and {@link #end()} hands those lines over so the provider can read them.
 */
public final class SseDecoder {
  /** A line longer than this is an upstream gone wrong, not data worth holding in memory. */
  public static final int DEFAULT_MAX_LINE_BYTES = 8 << 20;
  private static final int MAX_UNFRAMED_CHARS = 64 << 10;
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final Consumer<SseEvent> sink;
  private final int maxLineBytes;
  private byte[] line = new byte[512];
  private int lineLength;
  private boolean skipLf;
  private boolean firstLine = true;
  private String eventType = "";
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String lastId = "";
  private OptionalLong reconnectionTime = OptionalLong.empty();
  private final StringBuilder unframed = new StringBuilder();

  public SseDecoder(Consumer<SseEvent> sink) {
    this(sink, DEFAULT_MAX_LINE_BYTES);
  }

  public SseDecoder(Consumer<SseEvent> sink, int maxLineBytes) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
  }

  /** What was left when the stream ended. */
  public record Tail(String unframed, boolean discardedEvent) {}

  /** Feeds the next bytes of the stream; complete events go to the sink before this returns. */
  public void feed(byte[] bytes) {
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b != CR && b != LF) {
        continue;
      }
      boolean lfOfCrLf = b == LF && skipLf && i == start;
      skipLf = b == CR;
      if (lfOfCrLf) {
        start = i + 1;
        continue;
      }
      append(bytes, start, i - start);
      endLine();
      start = i + 1;
    }
    if (start < bytes.length) {
      skipLf = false;
      append(bytes, start, bytes.length - start);
    }
  }

  /**
   * The stream ended. An event without its terminating blank line is discarded, as the spec says; the
   * tail reports it so the caller can call that a truncation rather than drop it silently.
   */
  public Tail end() {
    if (lineLength > 0) {
      endLine();
    }
    boolean discarded = hasData || !eventType.isEmpty();
    resetEvent();
    return new Tail(unframed.toString(), discarded);
  }

  /** The last {@code retry:} value, in milliseconds. */
  public OptionalLong reconnectionTime() {
    return reconnectionTime;
  }

  private void append(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return;
    }
    if (lineLength + length > maxLineBytes) {
      throw new IllegalStateException(
          "SSE line: over " + maxLineBytes + " bytes without a line break (expected: at most " + maxLineBytes + ")");
    }
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
    }
    System.arraycopy(bytes, offset, line, lineLength, length);
    lineLength += length;
  }

  private void endLine() {
    String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
    lineLength = 0;
    if (firstLine) {
      firstLine = false;
      text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
    if (text.isEmpty()) {
      dispatch();
    } else if (text.charAt(0) != ':') {
      field(text);
    }
  }

  private void field(String text) {
    int colon = text.indexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    value = value.startsWith(" ") ? value.substring(1) : value;
    switch (name) {
      case "event" -> eventType = value;
      case "data" -> data(value);
      case "id" -> lastId = value.indexOf('\0') < 0 ? value : lastId;
      case "retry" -> retry(value);
      default -> keepUnframed(text);
    }
  }

  private void data(String value) {
    if (hasData) {
      data.append('\n');
    }
    data.append(value);
    hasData = true;
  }

  private void retry(String value) {
    if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9') && value.length() < 19) {
      reconnectionTime = OptionalLong.of(Long.parseLong(value));
    }
  }

  private void keepUnframed(String text) {
    if (unframed.length() + text.length() < MAX_UNFRAMED_CHARS) {
      unframed.append(text).append('\n');
    }
  }

  private void dispatch() {
    if (hasData || !eventType.isEmpty()) {
      sink.accept(new SseEvent(eventType, data.toString(), lastId));
    }
    resetEvent();
  }

  private void resetEvent() {
    eventType = "";
    data.setLength(0);
    hasData = false;
  }
}
