package io.llmgate.transport;

import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The text of Server-Sent Events frames (WHATWG HTML, "server-sent events"): pure string building, so it
 * is tested on strings. A data value is split on every line break into several {@code data:} lines, which
 * the receiver joins back with {@code \n}; event names and ids never contain line breaks.
 */
public final class SseFrames {
  private static final String DATA = "data: ";

  private SseFrames() {}

  /**
   * Appends one frame to {@code frame}: {@code event:} (when {@code event} is non-empty), {@code id:} (when
   * present), the data {@code data} appends, a blank line. The data is written in place, so a token's JSON
   * needs no String of its own.
   */
  public static StringBuilder appendEvent(StringBuilder frame, String event, OptionalLong id,
      Consumer<StringBuilder> data) {
    if (!event.isEmpty()) {
      frame.append("event: ").append(singleLine("event", event)).append('\n');
    }
    id.ifPresent(value -> frame.append("id: ").append(value).append('\n'));
    int start = frame.append(DATA).length();
    data.accept(frame);
    for (int i = start; i < frame.length(); i++) {
      char c = frame.charAt(i);
      if (c == '\n' || c == '\r') {
        // Rare (JSON escapes its line breaks), so the data is copied out and written again as data: lines.
        String text = frame.substring(start);
        frame.setLength(start - DATA.length());
        return appendDataLines(frame, text).append('\n');
      }
    }
    return frame.append("\n\n");
  }

  /** A comment line: ignored by every SSE parser, it only keeps the connection visibly alive. */
  public static String comment(String text) {
    return ": " + singleLine("comment", text) + "\n\n";
  }

  private static StringBuilder appendDataLines(StringBuilder frame, String data) {
    int start = 0;
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      if (c == '\n' || c == '\r') {
        frame.append(DATA).append(data, start, i).append('\n');
        if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    return frame.append(DATA).append(data, start, data.length()).append('\n');
  }

  private static String singleLine(String field, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(field + ": contains a line break (expected: a single line)");
    }
    return value;
  }
}
