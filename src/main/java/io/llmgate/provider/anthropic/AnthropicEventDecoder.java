package io.llmgate.provider.anthropic;

import io.llmgate.error.UpstreamErrors;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.http.ErrorEnvelope;
import io.llmgate.provider.http.FrameReader;
import io.llmgate.provider.http.AbstractStreamDecoder;
import io.llmgate.provider.sse.SseDecoder;
import io.llmgate.provider.sse.SseEvent;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.util.function.Consumer;

/**
 * Messages API events to normalized events (wire-formats.md §5.3). Input tokens come with
 * {@code message_start}, the cumulative output count and the stop reason with {@code message_delta};
 * {@code message_stop} is the end marker. An {@code event: error} (then EOF) is the mid-stream failure.
 * Tool-use, signature and server-tool blocks carry nothing a chat client shows, so they are skipped, as
 * are {@code ping} and event types this code does not know (Anthropic asks clients to ignore those).
 */
final class AnthropicEventDecoder extends AbstractStreamDecoder {
  private final FrameReader<AnthropicWire.Event> frames;
  private String stopReason;
  private Long inputTokens;
  private Long outputTokens;

  AnthropicEventDecoder(String provider, String requestedModel) {
    super(provider, requestedModel);
    this.frames = new FrameReader<>(provider, AnthropicWire.Event.class);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<UpstreamEvent> out) {
    if (event.dataIsEmpty()) {
      return;
    }
    AnthropicWire.Event parsed = frames.read(event);
    String type = event.event().isEmpty() ? String.valueOf(parsed.type()) : event.event();
    switch (type) {
      case "message_start" -> start(parsed, out);
      case "content_block_delta" -> delta(parsed.delta(), out);
      case "message_delta" -> messageDelta(parsed);
      case "message_stop" -> stop(out);
      case "error" -> throw UpstreamErrors.inStream(provider,
          ErrorEnvelope.ofError(parsed.error()).orElseThrow(() ->
              UpstreamErrors.malformed(provider, event.data(), "an error object")));
      default -> { } // ping, content_block_start/stop, and anything newer
    }
  }

  @Override
  public void onEnd(SseDecoder.Tail tail, Consumer<UpstreamEvent> out) {
    throw UpstreamErrors.truncated(provider, "event: message_stop");
  }

  private void start(AnthropicWire.Event event, Consumer<UpstreamEvent> out) {
    AnthropicWire.MessageStart message = event.message();
    if (message != null && message.usage() != null) {
      usage(message.usage());
    }
    open(out, message == null ? null : message.model());
  }

  private void delta(AnthropicWire.Delta delta, Consumer<UpstreamEvent> out) {
    if (delta == null || delta.type() == null) {
      return;
    }
    open(out, null);
    if ("text_delta".equals(delta.type()) && delta.text() != null && !delta.text().isEmpty()) {
      out.accept(new UpstreamEvent.TextDelta(delta.text()));
    } else if ("thinking_delta".equals(delta.type()) && delta.thinking() != null && !delta.thinking().isEmpty()) {
      out.accept(new UpstreamEvent.ReasoningDelta(delta.thinking()));
    }
  }

  private void messageDelta(AnthropicWire.Event event) {
    if (event.delta() != null && event.delta().stopReason() != null) {
      stopReason = event.delta().stopReason();
    }
    if (event.usage() != null) {
      usage(event.usage());
    }
  }

  /** Counts are cumulative: a later event's figure replaces the earlier one, never adds to it. */
  private void usage(AnthropicWire.UsageFields usage) {
    if (usage.totalInput() != null) {
      inputTokens = usage.totalInput();
    }
    if (usage.outputTokens() != null) {
      outputTokens = usage.outputTokens();
    }
  }

  private void stop(Consumer<UpstreamEvent> out) {
    open(out, null);
    if (inputTokens != null || outputTokens != null) {
      out.accept(new UpstreamEvent.UsageReport(new Usage(orZero(inputTokens), orZero(outputTokens))));
    }
    out.accept(new UpstreamEvent.Finished(finishReason(stopReason)));
  }

  private static FinishReason finishReason(String reason) {
    if (reason == null) {
      return FinishReason.OTHER;
    }
    return switch (reason) {
      case "end_turn", "stop_sequence" -> FinishReason.STOP;
      case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
      case "tool_use" -> FinishReason.TOOL_CALLS;
      case "refusal" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }
}
