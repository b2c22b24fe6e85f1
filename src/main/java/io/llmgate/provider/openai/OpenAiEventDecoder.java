package io.llmgate.provider.openai;

import io.llmgate.error.UpstreamErrors;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.provider.http.ErrorEnvelope;
import io.llmgate.provider.http.AbstractStreamDecoder;
import io.llmgate.provider.sse.SseDecoder;
import io.llmgate.provider.sse.SseEvent;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Chat Completions chunks to events (wire-formats.md §3.3, §7.2, §8.2). The finish reason and the usage
 * arrive in different chunks with OpenAI and Ollama, in the same one with DeepSeek; both are held until
 * {@code data: [DONE]}, the only end marker, and then emitted usage first. Tool-call fragments are keyed by
 * their {@code index}; a server that sends whole calls without one (older Ollama and vLLM) gets the next
 * index for each new id.
 */
final class OpenAiEventDecoder extends AbstractStreamDecoder<SseEvent, OpenAiWire.Chunk> {
  private static final String END_MARKER = "data: [DONE]";

  private boolean emittedOutput;
  private int callsBegun;
  private String lastCallId;
  private FinishReason finish;
  private Usage usage;

  OpenAiEventDecoder(String provider, String requestedModel) {
    super(SseDecoder::new, OpenAiWire.Chunk.class, provider, requestedModel);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<UpstreamEvent> out) {
    if (event.dataStartsWith("[DONE]")) {
      done(out);
      return;
    }
    if (event.dataIsEmpty()) {
      return;
    }
    OpenAiWire.Chunk chunk = read(event);
    if (chunk.error() != null && !chunk.error().isNull()) {
      throw UpstreamErrors.inStream(provider, ErrorEnvelope.ofError(chunk.error()).orElseThrow());
    }
    open(out, chunk.model());
    for (OpenAiWire.Choice choice : chunk.choicesOrEmpty()) {
      if (choice.index() == 0) {
        choice(choice, out);
      }
    }
    if (chunk.usage() != null) {
      OpenAiWire.Usage counts = chunk.usage();
      usage = new Usage(counts.promptTokens(), counts.completionTokens(), counts.cachedTokens(), 0,
          counts.reasoningTokens());
    }
  }

  @Override
  public void onEnd(FrameDecoder.Tail tail, Consumer<UpstreamEvent> out) {
    throw UpstreamErrors.truncated(provider, END_MARKER);
  }

  private void choice(OpenAiWire.Choice choice, Consumer<UpstreamEvent> out) {
    OpenAiWire.Delta delta = choice.delta();
    if (delta != null) {
      reasoning(delta.reasoningContent(), out);
      reasoning(delta.reasoning(), out);
      text(delta.content(), out);
      text(delta.refusal(), out);
      if (delta.toolCalls() != null) {
        delta.toolCalls().forEach(call -> toolCall(call, out));
      }
    }
    if (choice.finishReason() != null) {
      finish = finishReason(choice.finishReason());
    }
  }

  private FinishReason finishReason(String reason) {
    return switch (reason) {
      case "stop" -> FinishReason.STOP;
      case "length" -> FinishReason.LENGTH;
      case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      case "insufficient_system_resource" -> overloaded(reason);
      default -> FinishReason.OTHER;
    };
  }

  /** DeepSeek ran out of capacity: an error while nothing went out, else the partial answer stands (§7.2). */
  private FinishReason overloaded(String reason) {
    if (!emittedOutput) {
      throw UpstreamErrors.inStream(provider,
          new UpstreamErrors.Reported(OptionalInt.empty(), List.of(reason), "finish_reason " + reason));
    }
    return FinishReason.OTHER;
  }

  private void text(String text, Consumer<UpstreamEvent> out) {
    if (text != null && !text.isEmpty()) {
      emittedOutput = true;
      out.accept(new UpstreamEvent.TextDelta(text));
    }
  }

  private void reasoning(String text, Consumer<UpstreamEvent> out) {
    if (text != null && !text.isEmpty()) {
      emittedOutput = true;
      out.accept(new UpstreamEvent.ReasoningDelta(text));
    }
  }

  private void toolCall(OpenAiWire.ToolCallDelta call, Consumer<UpstreamEvent> out) {
    if (call == null) {
      throw UpstreamErrors.malformed(provider, "\"tool_calls\":[null]", "a tool call object");
    }
    int index = call.index() != null ? call.index() : indexWithout(call.id());
    callsBegun = Math.max(callsBegun, index + 1);
    if (call.id() != null) {
      lastCallId = call.id();
    }
    OpenAiWire.FunctionDelta function = call.function();
    String arguments = function == null || function.arguments() == null ? "" : function.arguments();
    emittedOutput = true;
    out.accept(new UpstreamEvent.ToolCallDelta(index, Optional.ofNullable(call.id()),
        Optional.ofNullable(function == null ? null : function.name()), arguments));
  }

  /** No index: a new id begins the next call; without an id it continues the latest one. */
  private int indexWithout(String id) {
    boolean next = callsBegun == 0 || (id != null && !id.equals(lastCallId));
    return next ? callsBegun : callsBegun - 1;
  }

  private void done(Consumer<UpstreamEvent> out) {
    open(out, requestedModel);
    if (usage != null) {
      out.accept(new UpstreamEvent.UsageReport(usage));
    }
    out.accept(new UpstreamEvent.Finished(finish == null ? FinishReason.OTHER : finish));
  }
}
