package io.llmgate.transport.socketio.chat;

import io.llmgate.stream.StreamEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streams whose events a socket's client was being sent, each with the index of the last one it was
 * handed (-1: only the start). Kept as the socket's data, so a socket that recovers its connection knows
 * which streams to take back and from where: what the drop lost on the way comes from the socket's
 * outgoing log, what was produced after it from the stream's replay log. At most the user's concurrent
 * streams, as an ended stream leaves.
 */
final class OpenStreams {
  private final Map<String, Long> lastIndex = new LinkedHashMap<>();

  /** Notes an event the connected client was handed. */
  synchronized void handed(StreamEvent event) {
    switch (event.kind()) {
      case STARTED -> lastIndex.putIfAbsent(event.sessionId(), -1L);
      case TOKEN, REASONING, TOOL_CALL -> lastIndex.put(event.sessionId(), ((StreamEvent.Indexed) event).index());
      case DONE, FAILED, CANCELLED -> lastIndex.remove(event.sessionId());
    }
  }

  synchronized boolean isOpen(String sessionId) {
    return lastIndex.containsKey(sessionId);
  }

  synchronized Map<String, Long> snapshot() {
    return Map.copyOf(lastIndex);
  }
}
