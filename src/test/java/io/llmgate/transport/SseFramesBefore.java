package io.llmgate.transport;

import java.util.OptionalLong;

/**
 * SSE frames as they were written before frames were built in place (one String for the data, then one for
 * the frame): the reference the in-place encoders are held to, byte for byte.
 */
public final class SseFramesBefore {
  private SseFramesBefore() {}

  public static String event(String event, OptionalLong id, String data) {
    StringBuilder frame = new StringBuilder(data.length() + 64);
    if (!event.isEmpty()) {
      frame.append("event: ").append(event).append('\n');
    }
    id.ifPresent(value -> frame.append("id: ").append(value).append('\n'));
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
    return frame.append('\n').toString();
  }

  public static String data(String data) {
    return event("", OptionalLong.empty(), data);
  }
}
