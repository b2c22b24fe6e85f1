package io.llmgate.provider.anthropic;

import io.llmgate.error.UpstreamErrors;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.provider.http.ErrorEnvelope;
import io.llmgate.provider.http.AbstractStreamDecoder;
import io.llmgate.provider.sse.SseDecoder;
import io.llmgate.provider.sse.SseEvent;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Messages API events to normalized events (wire-formats.md §5.3). Input tokens come with
 * {@code message_start}, the cumulative output count and the stop reason with {@code message_delta};
 * {@code message_stop} is the end marker. An {@code event: error} (then EOF) is the mid-stream failure.
 * A {@code tool_use} block is a tool call: its start names it, its {@code input_json_delta}s are the
 * arguments, numbered by call (not by block, which counts text blocks too); one whose input never
 * streamed gets {@code "{}"} at its stop (§5.3). Signature and server-tool blocks carry nothing a client
 * acts on, so they are skipped with their deltas, as are {@code ping} and event types this code does not
 * know (Anthropic asks clients to ignore those).
 */
final class AnthropicEventDecoder extends AbstractStreamDecoder<SseEvent, AnthropicWire.Event> {
  private String stopReason;
  private Long inputTokens;
  private Long outputTokens;
  /** The call index of each {@code tool_use} block, by block index. */
  private final Map<Integer, Integer> callOfBlock = new HashMap<>();
  private final Set<Integer> callsWithInput = new HashSet<>();
  private long cacheReadTokens;
  private long cacheCreationTokens;

  AnthropicEventDecoder(String provider, String requestedModel) {
    super(SseDecoder::new, AnthropicWire.Event.class, provider, requestedModel);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<UpstreamEvent> out) {
    if (event.dataIsEmpty()) {
      return;
    }
    AnthropicWire.Event parsed = read(event);
    String type = event.event().isEmpty() ? String.valueOf(parsed.type()) : event.event();
    switch (type) {
      case "message_start" -> start(parsed, out);
      case "content_block_start" -> blockStart(parsed, out);
      case "content_block_delta" -> delta(parsed, out);
      case "content_block_stop" -> blockStop(parsed, out);
      case "message_delta" -> messageDelta(parsed);
      case "message_stop" -> stop(out);
      case "error" -> throw UpstreamErrors.inStream(provider,
          ErrorEnvelope.ofError(parsed.error()).orElseThrow(() ->
              UpstreamErrors.malformed(provider, event.data(), "an error object")));
      default -> { } // ping, and anything newer
    }
  }

  @Override
  public void onEnd(FrameDecoder.Tail tail, Consumer<UpstreamEvent> out) {
    throw UpstreamErrors.truncated(provider, "event: message_stop");
  }

  private void start(AnthropicWire.Event event, Consumer<UpstreamEvent> out) {
    AnthropicWire.MessageStart message = event.message();
    if (message != null && message.usage() != null) {
      usage(message.usage());
    }
    open(out, message == null ? null : message.model());
  }

  private void blockStart(AnthropicWire.Event event, Consumer<UpstreamEvent> out) {
    AnthropicWire.ContentBlock block = event.block();
    if (block == null || !"tool_use".equals(block.type())) {
      return;
    }
    if (event.index() == null || block.id() == null || block.name() == null) {
      throw UpstreamErrors.malformed(provider, "content_block_start", "a tool_use block with index, id and name");
    }
    open(out, null);
    int call = callOfBlock.size();
    callOfBlock.put(event.index(), call);
    out.accept(new UpstreamEvent.ToolCallDelta(call, Optional.of(block.id()), Optional.of(block.name()), ""));
  }

  private void blockStop(AnthropicWire.Event event, Consumer<UpstreamEvent> out) {
    Integer call = event.index() == null ? null : callOfBlock.get(event.index());
    if (call != null && callsWithInput.add(call)) {
      out.accept(new UpstreamEvent.ToolCallDelta(call, Optional.empty(), Optional.empty(), "{}"));
    }
  }

  private void delta(AnthropicWire.Event event, Consumer<UpstreamEvent> out) {
    AnthropicWire.Delta delta = event.delta();
    if (delta == null || delta.type() == null) {
      return;
    }
    open(out, null);
    if ("input_json_delta".equals(delta.type())) {
      input(event.index(), delta.partialJson(), out);
      return;
    }
    if ("text_delta".equals(delta.type()) && delta.text() != null && !delta.text().isEmpty()) {
      out.accept(new UpstreamEvent.TextDelta(delta.text()));
    } else if ("thinking_delta".equals(delta.type()) && delta.thinking() != null && !delta.thinking().isEmpty()) {
      out.accept(new UpstreamEvent.ReasoningDelta(delta.thinking()));
    }
  }

  /** Argument text of a {@code tool_use} block; a server tool's input (no call of ours) is skipped. */
  private void input(Integer block, String partialJson, Consumer<UpstreamEvent> out) {
    Integer call = block == null ? null : callOfBlock.get(block);
    if (call != null && partialJson != null && !partialJson.isEmpty()) {
      callsWithInput.add(call);
      out.accept(new UpstreamEvent.ToolCallDelta(call, Optional.empty(), Optional.empty(), partialJson));
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

  /**
   * Counts are cumulative: a later event's figure replaces the earlier one, never adds to it. Claude does not
   * count thinking tokens apart from the output.
   */
  private void usage(AnthropicWire.UsageFields usage) {
    if (usage.totalInput() != null) {
      inputTokens = usage.totalInput();
      cacheReadTokens = orZero(usage.cacheReadInputTokens());
      cacheCreationTokens = orZero(usage.cacheCreationInputTokens());
    }
    if (usage.outputTokens() != null) {
      outputTokens = usage.outputTokens();
    }
  }

  private void stop(Consumer<UpstreamEvent> out) {
    open(out, null);
    if (inputTokens != null || outputTokens != null) {
      out.accept(new UpstreamEvent.UsageReport(new Usage(orZero(inputTokens), orZero(outputTokens), cacheReadTokens,
          cacheCreationTokens, 0)));
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
