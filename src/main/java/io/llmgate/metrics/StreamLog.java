package io.llmgate.metrics;

import io.llmgate.stream.StreamEvent;
import io.llmgate.stream.StreamListener;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per ended stream (logger {@code llmgate.streams}): session, user, provider, model,
 * outcome, ttft, tokens, duration. Prompts and tokens are never logged; the full response only when that
 * logger is at DEBUG, which an operator must turn on explicitly.
 */
public final class StreamLog implements StreamListener {
  private static final Logger LOG = LoggerFactory.getLogger("llmgate.streams");

  /** Each stream's own: it knows when the stream was accepted, so every line has a duration, not only a done's. */
  @Override
  public StreamListener forStream(StreamInfo stream) {
    return new StreamListener() {
      private long acceptedAt;

      @Override
      public void accepted(StreamInfo stream) {
        acceptedAt = System.nanoTime();
      }

      @Override
      public void closed(StreamInfo stream, StreamEvent finalEvent) {
        log(stream, finalEvent, acceptedAt);
      }
    };
  }

  /** The line of {@code stream}'s end; {@code acceptedAt} is 0 when it never was. */
  private static void log(StreamInfo stream, StreamEvent finalEvent, long acceptedAt) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    JsonObject line = new JsonObject()
        .put("event", "stream_end")
        .put("session", stream.request().sessionId())
        .put("user", stream.user())
        .put("transport", stream.transport())
        .put("provider", stream.request().provider());
    switch (finalEvent.kind()) {
      case DONE -> done(line, (StreamEvent.Done) finalEvent);
      case FAILED -> line.put("outcome", "error").put("code", ((StreamEvent.Failed) finalEvent).code().wire())
          .put("error", ((StreamEvent.Failed) finalEvent).error());
      default -> cancelled(line, (StreamEvent.Cancelled) finalEvent);
    }
    if (finalEvent.kind() != StreamEvent.Kind.DONE) {
      stream.request().model().ifPresent(model -> line.put("model", model));
      if (acceptedAt != 0) {
        line.put("durationMs", (System.nanoTime() - acceptedAt) / 1_000_000);
      }
    }
    LOG.info(line.encode());
  }

  private static void cancelled(JsonObject line, StreamEvent.Cancelled cancelled) {
    line.put("outcome", "cancelled");
    cancelled.usage().ifPresent(u -> line.put("tokens", u.outputTokens()));
  }

  private static void done(JsonObject line, StreamEvent.Done done) {
    line.put("outcome", "done").put("provider", done.provider()).put("model", done.model())
        .put("finishReason", done.finishReason().wire()).put("ttftMs", done.ttftMs())
        .put("tokens", done.tokenCount()).put("durationMs", done.durationMs());
    done.usage().ifPresent(u -> line.put("inputTokens", u.inputTokens()).put("outputTokens", u.outputTokens())
        .put("cachedInputTokens", u.cachedInputTokens()).put("cacheCreationInputTokens", u.cacheCreationInputTokens())
        .put("reasoningTokens", u.reasoningTokens()));
    if (done.fullResponseTruncated()) {
      line.put("fullResponseTruncated", true);
    }
    if (LOG.isDebugEnabled()) {
      line.put("fullResponse", done.fullResponse());
    }
  }
}
