package io.llmgate.transport.sse;

import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import io.llmgate.transport.Command;
import io.llmgate.transport.EventJson;
import io.llmgate.transport.EventStreamResponse;
import io.vertx.core.json.JsonObject;
import java.util.OptionalLong;

/**
 * One stream's events as Server-Sent Events: {@code event:} is the protocol event name, {@code data:} its
 * JSON payload exactly as the other transports send it, {@code id:} the index of token and reasoning
 * events (what a reconnecting client names in {@code Last-Event-ID}). The final event ends the response.
 */
final class SseSink implements EventSink {
  private final EventStreamResponse out;

  SseSink(EventStreamResponse out) {
    this.out = out;
  }

  /** Opens the event stream with the command's acknowledgement, before the stream's first event. */
  void acknowledged(Command command, JsonObject reply) {
    out.open();
    out.write(command.acknowledgedName(), OptionalLong.empty(), json -> json.append(reply.encode()));
  }

  @Override
  public String transport() {
    return SseRoutes.TRANSPORT;
  }

  @Override
  public void send(StreamEvent event) {
    out.write(event.kind().eventName(), id(event), json -> EventJson.appendPayload(json, event));
    if (event.isFinal()) {
      out.end();
    }
  }

  @Override
  public boolean writeQueueFull() {
    return out.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable callback) {
    out.onDrain(callback);
  }

  private static OptionalLong id(StreamEvent event) {
    return switch (event.kind()) {
      case TOKEN, REASONING, TOOL_CALL -> OptionalLong.of(((StreamEvent.Indexed) event).index());
      case STARTED, DONE, FAILED, CANCELLED -> OptionalLong.empty();
    };
  }
}
