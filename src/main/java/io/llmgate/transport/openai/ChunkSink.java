package io.llmgate.transport.openai;

import io.llmgate.error.GatewayException;
import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import io.llmgate.transport.EventStreamResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * A streamed completion: {@code chat.completion.chunk}s as data-only Server-Sent Events, then
 * {@code data: [DONE]}. The HTTP status is held back until the upstream accepted the request
 * ({@code llm:stream:start}), so a failure before that is an ordinary OpenAI error response with its
 * status; a failure after it is an in-band {@code {"error": …}} chunk and the stream ends without
 * {@code [DONE]}, which the SDKs raise as an error instead of returning a truncated answer as complete.
 */
final class ChunkSink implements EventSink {
  private static final String DONE = "[DONE]";

  private final EventStreamResponse out;
  private final HttpServerResponse response;
  private final String id;
  private final long created;
  private final boolean includeUsage;
  private OpenAiChunks chunks;

  ChunkSink(EventStreamResponse out, HttpServerResponse response, String id, long created, boolean includeUsage) {
    this.out = out;
    this.response = response;
    this.id = id;
    this.created = created;
    this.includeUsage = includeUsage;
  }

  @Override
  public String transport() {
    return OpenAiRoutes.TRANSPORT;
  }

  @Override
  public void send(StreamEvent event) {
    switch (event.kind()) {
      case STARTED -> started((StreamEvent.Started) event);
      case TOKEN -> out.writeData(json -> chunks.content(json, ((StreamEvent.Token) event).token()));
      case REASONING -> out.writeData(json -> chunks.reasoning(json, ((StreamEvent.Reasoning) event).token()));
      case TOOL_CALL -> out.writeData(json -> chunks.toolCall(json, (StreamEvent.ToolCallDelta) event));
      case DONE -> done((StreamEvent.Done) event);
      case FAILED -> failed(Completions.exception((StreamEvent.Failed) event));
      case CANCELLED -> cancelled();
    }
  }

  private void started(StreamEvent.Started started) {
    chunks = new OpenAiChunks(id, created, Completions.modelId(started.provider(), started.model()), includeUsage);
    out.open();
    out.writeData(chunks::role);
  }

  private void done(StreamEvent.Done done) {
    out.writeData(json -> chunks.finish(json, done.finishReason()));
    if (includeUsage) {
      out.writeData(json -> chunks.usage(json, Completions.usage(done)));
    }
    out.writeData(json -> json.append(DONE));
    out.end();
  }

  private void failed(GatewayException failure) {
    if (!out.isOpen()) {
      OpenAiErrors.reply(response, failure);
      return;
    }
    out.writeData(json -> json.append(OpenAiErrors.body(failure).encode()));
    out.end();
  }

  /** Only another client can cancel while this one listens (by the id, via the other transports). */
  private void cancelled() {
    if (!out.isOpen()) {
      OpenAiErrors.reply(response, 409, false, Completions.cancelledBody());
      return;
    }
    out.writeData(json -> json.append(Completions.cancelledBody().encode()));
    out.end();
  }

  @Override
  public boolean writeQueueFull() {
    return out.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable callback) {
    out.onDrain(callback);
  }
}
