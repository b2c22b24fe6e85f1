package io.llmgate.transport.openai;

import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * A completion answered whole ({@code stream} false): events are gathered and the final one becomes the
 * response. Nothing is written before it, so its queue is never full.
 */
final class CompletionSink implements EventSink {
  private final HttpServerResponse response;
  private final String id;
  private final long created;
  private final StringBuilder reasoning = new StringBuilder();

  CompletionSink(HttpServerResponse response, String id, long created) {
    this.response = response;
    this.id = id;
    this.created = created;
  }

  @Override
  public String transport() {
    return OpenAiRoutes.TRANSPORT;
  }

  @Override
  public void send(StreamEvent event) {
    switch (event.kind()) {
      case STARTED, TOKEN, TOOL_CALL -> { }
      case REASONING -> reasoning.append(((StreamEvent.Reasoning) event).token());
      case DONE -> done((StreamEvent.Done) event);
      case FAILED -> OpenAiErrors.reply(response, Completions.exception((StreamEvent.Failed) event));
      case CANCELLED -> OpenAiErrors.reply(response, 409, false, Completions.cancelledBody());
    }
  }

  private void done(StreamEvent.Done done) {
    if (!response.closed() && !response.ended()) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(Completions.completion(id, created, done, reasoning.toString()).encode());
    }
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public void onDrain(Runnable callback) {
    callback.run();
  }
}
