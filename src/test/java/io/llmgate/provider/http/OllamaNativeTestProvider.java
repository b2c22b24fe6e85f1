package io.llmgate.provider.http;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgate.config.UpstreamTimeouts;
import io.llmgate.error.UpstreamErrors;
import io.llmgate.provider.Capabilities;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.provider.ndjson.JsonLine;
import io.llmgate.provider.ndjson.JsonLinesDecoder;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A provider only the tests have: Ollama's native {@code /api/chat}, which streams JSON lines, not SSE. It
 * proves on the real HTTP path that a provider picks its framing, and that a {@link RequestHook} prepares
 * what is sent; its mapping is the least that does (the model and {@code stream: true}).
 */
final class OllamaNativeTestProvider extends HttpStreamingProvider {
  static final String NAME = "ollama-native";
  static final String KEY = "k-ollama-1";

  private final AtomicInteger decodersClosed;

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Chunk(String model, Message message, boolean done, @JsonProperty("done_reason") String doneReason,
      @JsonProperty("prompt_eval_count") Long promptEvalCount, @JsonProperty("eval_count") Long evalCount,
      String error) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Message(String content) {}

  OllamaNativeTestProvider(HttpUpstream http, String baseUrl) {
    this(http, baseUrl, UpstreamTimeouts.DEFAULT, RequestHook.NONE);
  }

  /** With its requests prepared by {@code hook} (RequestHookTest). */
  OllamaNativeTestProvider(HttpUpstream http, String baseUrl, UpstreamTimeouts timeouts, RequestHook hook) {
    this(http, baseUrl, timeouts, hook, new AtomicInteger());
  }

  private OllamaNativeTestProvider(HttpUpstream http, String baseUrl, UpstreamTimeouts timeouts, RequestHook hook,
      AtomicInteger decodersClosed) {
    super(http, new ProviderEndpoint(NAME, baseUrl, Optional.of(KEY), "llama3.2", List.of(), timeouts),
        (request, model) -> new UpstreamCall(NAME, baseUrl + "/api/chat", Map.of("authorization", "Bearer " + KEY),
            Buffer.buffer("{\"model\":\"" + model + "\",\"stream\":true}"), KEY),
        (provider, model) -> new Decoder(provider, model, decodersClosed), Capabilities.TEXT_ONLY, hook);
    this.decodersClosed = decodersClosed;
  }

  /** How many of its streams' decoders were closed (each stream's is, once, however the stream ended). */
  int decodersClosed() {
    return decodersClosed.get();
  }

  private static final class Decoder extends AbstractStreamDecoder<JsonLine, Chunk> {
    private final AtomicInteger closed;

    Decoder(String provider, String requestedModel, AtomicInteger closed) {
      super(JsonLinesDecoder::new, Chunk.class, provider, requestedModel);
      this.closed = closed;
    }

    @Override
    public void close() {
      super.close();
      closed.incrementAndGet();
    }

    @Override
    public void onEvent(JsonLine line, Consumer<UpstreamEvent> out) {
      Chunk chunk = read(line);
      if (chunk.error() != null) {
        throw UpstreamErrors.inStream(provider, ErrorEnvelope.fromBody(line.data()));
      }
      open(out, chunk.model());
      if (chunk.message() != null && chunk.message().content() != null && !chunk.message().content().isEmpty()) {
        out.accept(new UpstreamEvent.TextDelta(chunk.message().content()));
      }
      if (chunk.done()) {
        out.accept(new UpstreamEvent.UsageReport(new Usage(orZero(chunk.promptEvalCount()), orZero(chunk.evalCount()))));
        out.accept(new UpstreamEvent.Finished("stop".equals(chunk.doneReason()) ? FinishReason.STOP : FinishReason.OTHER));
      }
    }

    @Override
    public void onEnd(FrameDecoder.Tail tail, Consumer<UpstreamEvent> out) {
      throw UpstreamErrors.truncated(provider, "a line with done: true");
    }
  }
}
