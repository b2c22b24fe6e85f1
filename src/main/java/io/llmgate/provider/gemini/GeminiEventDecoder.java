package io.llmgate.provider.gemini;

import io.llmgate.error.UpstreamErrors;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.provider.http.ErrorEnvelope;
import io.llmgate.provider.http.Json;
import io.llmgate.provider.http.AbstractStreamDecoder;
import io.llmgate.provider.sse.SseDecoder;
import io.llmgate.provider.sse.SseEvent;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Gemini frames to normalized events (wire-formats.md §6.3). Gemini has no end marker of its own: the
 * stream ends at EOF after a frame with a {@code finishReason} (or a blocked prompt), so usage and the
 * finish are emitted only at the end, and only when no raw error JSON trails the frames (§6.6). A
 * {@code functionCall} part is a whole call at once: one fragment with all its arguments, numbered in the
 * order calls came; without an {@code id} from Gemini, the stream gives it one.
 */
final class GeminiEventDecoder extends AbstractStreamDecoder<SseEvent, GeminiWire.Response> {
  private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
      "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

  private int calls;
  private String finishReason;
  private GeminiWire.UsageMetadata usage;

  GeminiEventDecoder(String provider, String requestedModel) {
    super(SseDecoder::new, GeminiWire.Response.class, provider, requestedModel);
  }

  @Override
  public void onEvent(SseEvent event, Consumer<UpstreamEvent> out) {
    if (event.dataIsEmpty()) {
      return;
    }
    GeminiWire.Response frame = read(event);
    if (frame.error() != null && !frame.error().isNull()) {
      throw UpstreamErrors.inStream(provider, ErrorEnvelope.ofError(frame.error()).orElseThrow());
    }
    open(out, frame.modelVersion());
    if (frame.candidates() != null && !frame.candidates().isEmpty()) {
      candidate(frame.candidates().get(0), out);
    } else if (frame.promptFeedback() != null && frame.promptFeedback().blockReason() != null) {
      finishReason = "SAFETY"; // the prompt itself was blocked: no candidates will come
    }
    if (frame.usageMetadata() != null) {
      usage = frame.usageMetadata();
    }
  }

  @Override
  public void onEnd(FrameDecoder.Tail tail, Consumer<UpstreamEvent> out) {
    if (!tail.unframed().isBlank()) {
      ErrorEnvelope.from(Json.tree(tail.unframed())).ifPresent(error -> {
        throw UpstreamErrors.inStream(provider, error);
      });
    }
    if (finishReason == null && !tail.unframed().isBlank()) {
      // A body that is no event stream at all (a JSON array: the request lacked ?alt=sse) was not cut short.
      throw UpstreamErrors.malformed(provider, tail.unframed(), "Server-Sent Events");
    }
    if (finishReason == null) {
      throw UpstreamErrors.truncated(provider, "a frame with finishReason, then the end of the body");
    }
    open(out, requestedModel);
    if (usage != null) {
      // The prompt count includes the cached part; the answer's count leaves out the thoughts (§6.4).
      out.accept(new UpstreamEvent.UsageReport(new Usage(orZero(usage.promptTokenCount()),
          orZero(usage.candidatesTokenCount()) + orZero(usage.thoughtsTokenCount()),
          orZero(usage.cachedContentTokenCount()), 0, orZero(usage.thoughtsTokenCount()))));
    }
    out.accept(new UpstreamEvent.Finished(finish(finishReason)));
  }

  private void candidate(GeminiWire.Candidate candidate, Consumer<UpstreamEvent> out) {
    if (candidate.content() != null) {
      for (GeminiWire.Part part : candidate.content().partsOrEmpty()) {
        part(part, out);
      }
    }
    if (candidate.finishReason() != null) {
      finishReason = candidate.finishReason();
    }
  }

  private void part(GeminiWire.Part part, Consumer<UpstreamEvent> out) {
    if (part.functionCall() != null) {
      functionCall(part.functionCall(), out);
    }
    if (part.text() == null || part.text().isEmpty()) {
      return;
    }
    out.accept(part.isThought() ? new UpstreamEvent.ReasoningDelta(part.text()) : new UpstreamEvent.TextDelta(part.text()));
  }

  private void functionCall(GeminiWire.FunctionCall call, Consumer<UpstreamEvent> out) {
    if (call.name() == null || call.name().isEmpty()) {
      throw UpstreamErrors.malformed(provider, "functionCall without a name", "a functionCall with a name");
    }
    String arguments = call.args() == null || call.args().isNull() ? "{}" : call.args().toString();
    out.accept(new UpstreamEvent.ToolCallDelta(calls++, Optional.ofNullable(call.id()), Optional.of(call.name()),
        arguments));
  }

  private FinishReason finish(String reason) {
    if (FILTERED.contains(reason)) {
      return FinishReason.CONTENT_FILTER;
    }
    return switch (reason) {
      case "STOP" -> calls > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP;
      case "MAX_TOKENS" -> FinishReason.LENGTH;
      default -> FinishReason.OTHER;
    };
  }
}
