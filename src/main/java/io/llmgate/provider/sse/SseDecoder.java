package io.llmgate.provider.sse;

import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.provider.frame.PendingLine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>An event's data stays bytes: the data lines are copied into one buffer, which the dispatched
 * {@link SseEvent} lends to the sink, so a JSON parser reads UTF-8 with no String per frame in between.
 */
public final class SseDecoder implements FrameDecoder {
  /** A line longer than this is an upstream gone wrong, not data worth holding in memory. */
  public static final int DEFAULT_MAX_LINE_BYTES = 8 << 20;
  private static final int MAX_UNFRAMED_CHARS = 64 << 10;
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final Consumer<SseEvent> sink;
  private final PendingLine line;
  private boolean skipLf;
  private boolean firstLine = true;
  private String eventType = "";
  // Unpooled heap memory: garbage-collected like an array, nothing to release; the sink reads its array.
  private final ByteBuf data = Unpooled.buffer(256);
  private boolean hasData;
  private String lastId = "";
  private OptionalLong reconnectionTime = OptionalLong.empty();
  private final StringBuilder unframed = new StringBuilder();

  public SseDecoder(Consumer<SseEvent> sink) {
    this(sink, DEFAULT_MAX_LINE_BYTES);
  }

  public SseDecoder(Consumer<SseEvent> sink, int maxLineBytes) {
    this.sink = sink;
    this.line = new PendingLine("SSE line", maxLineBytes);
  }

  /** Feeds the next bytes of the stream; complete events go to the sink before this returns. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /**
   * Feeds {@code length} bytes of {@code bytes} from {@code offset}; they are not kept after this returns,
   * so the caller may pass a network buffer's own array.
   */
  @Override
  public void feed(byte[] bytes, int offset, int length) {
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
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
      if (line.length() == 0) {
        line.check(i - start); // the same limit whether or not the line was cut between reads
        completeLine(bytes, start, i); // the whole line is in this read: decode it where it is
      } else {
        line.append(bytes, start, i - start);
        completeLine(line.bytes(), 0, line.take());
      }
      start = i + 1;
    }
    if (start < end) {
      skipLf = false;
      line.append(bytes, start, end - start);
    }
  }

  /**
   * The stream ended. An event without its terminating blank line is discarded, as the spec says; the
   * tail reports it so the caller can call that a truncation rather than drop it silently.
   */
  @Override
  public Tail end() {
    if (line.length() > 0) {
      completeLine(line.bytes(), 0, line.take());
    }
    boolean discarded = hasData || !eventType.isEmpty();
    resetEvent();
    return new Tail(unframed.toString(), discarded);
  }

  /** The last {@code retry:} value, in milliseconds. */
  public OptionalLong reconnectionTime() {
    return reconnectionTime;
  }

  /**
   * One complete line, {@code bytes[from, to)}. Only the value is decoded, and only once: field names are
   * ASCII, and ':' or ' ' can never be part of a multi-byte UTF-8 character, so cutting the bytes there
   * gives the same text as cutting the decoded line.
   */
  private void completeLine(byte[] bytes, int from, int to) {
    int start = from;
    if (firstLine) {
      firstLine = false;
      boolean bom = to - from >= 3 && bytes[from] == (byte) 0xEF && bytes[from + 1] == (byte) 0xBB
          && bytes[from + 2] == (byte) 0xBF;
      start = bom ? from + 3 : from;
    }
    if (start == to) {
      dispatch();
    } else if (bytes[start] != ':') {
      field(bytes, start, to);
    }
  }

  private void field(byte[] bytes, int from, int to) {
    int colon = from;
    while (colon < to && bytes[colon] != ':') {
      colon++;
    }
    int valueStart = Math.min(to, colon + 1);
    if (valueStart < to && bytes[valueStart] == ' ') {
      valueStart++;
    }
    if (is(bytes, from, colon, "data")) {
      data(bytes, valueStart, to);
    } else if (is(bytes, from, colon, "event")) {
      eventType = new String(bytes, valueStart, to - valueStart, StandardCharsets.UTF_8);
    } else if (is(bytes, from, colon, "id")) {
      String value = new String(bytes, valueStart, to - valueStart, StandardCharsets.UTF_8);
      lastId = value.indexOf('\0') < 0 ? value : lastId;
    } else if (is(bytes, from, colon, "retry")) {
      retry(new String(bytes, valueStart, to - valueStart, StandardCharsets.UTF_8));
    } else {
      keepUnframed(new String(bytes, from, to - from, StandardCharsets.UTF_8));
    }
  }

  private static boolean is(byte[] bytes, int from, int to, String name) {
    if (to - from != name.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (bytes[from + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Copied, not referenced: the blank line that dispatches the event may come in a later read, after the
   * caller has reused the array this line is in.
   */
  private void data(byte[] bytes, int from, int to) {
    if (hasData) {
      data.writeByte(LF);
    }
    hasData = true;
    data.writeBytes(bytes, from, to - from);
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
      sink.accept(new SseEvent(eventType, data, lastId));
    }
    resetEvent();
  }

  private void resetEvent() {
    eventType = "";
    data.clear();
    hasData = false;
  }
}
