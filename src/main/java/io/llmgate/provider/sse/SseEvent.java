package io.llmgate.provider.sse;

import java.util.Objects;

/**
 * One dispatched server-sent event. {@code event} is empty when the stream sent no {@code event:} line
 * (OpenAI, DeepSeek and Gemini never do); {@code data} joins the event's {@code data:} lines with
 * {@code \n}; {@code id} is the last event id seen on the stream, empty when none.
 */
public record SseEvent(String event, String data, String id) {
  public SseEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(id, "id");
  }
}
