package io.llmgate.transport;

import java.util.OptionalLong;

/**
 * The text of Server-Sent Events frames (WHATWG HTML, "server-sent events"): pure string building, so it
 * is tested on strings. A data value is split on every line break into several {@code data:} lines, which
 * the receiver joins back with {@code \n}; event names and ids never contain line breaks.
 */
public final class SseFrames {
  private SseFrames() {}

  /** {@code event:} (when {@code event} is non-empty), {@code id:} (when present), the data, a blank line. */
  public static String event(String event, OptionalLong id, String data) {
    StringBuilder frame = new StringBuilder(data.length() + 64);
    if (!event.isEmpty()) {
      frame.append("event: ").append(singleLine("event", event)).append('\n');
    }
    id.ifPresent(value -> frame.append("id: ").append(value).append('\n'));
    appendData(frame, data);
    return frame.append('\n').toString();
  }

  /** A data-only frame, the form OpenAI's streaming API uses. */
  public static String data(String data) {
    return event("", OptionalLong.empty(), data);
  }

  /** A comment line: ignored by every SSE parser, it only keeps the connection visibly alive. */
  public static String comment(String text) {
    return ": " + singleLine("comment", text) + "\n\n";
  }

  private static void appendData(StringBuilder frame, String data) {
    int start = 0;
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      if (c == '\n' || c == '\r') {
        frame.append("data: ").append(data, start, i).append('\n');
        if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    frame.append("data: ").append(data, start, data.length()).append('\n');
  }

  private static String singleLine(String field, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(field + ": contains a line break (expected: a single line)");
    }
    return value;
  }
}
