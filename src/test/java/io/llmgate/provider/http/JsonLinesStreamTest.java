package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.FakeUpstream.Chunking;
import io.llmgate.provider.FakeUpstream.Reply;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.Recorder;
import io.llmgate.provider.UpstreamEvent;
import io.llmgate.stream.ChatMessage;
import io.llmgate.stream.ChatRequest;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Role;
import io.llmgate.stream.Usage;
import io.llmgate.testing.Await;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A provider whose framing is JSON lines streams through the same HTTP plumbing as the SSE ones: Ollama's
 * native chat stream (a synthetic fixture) decodes to its tokens, usage and finish however the body is
 * cut, a mid-stream error line fails the stream with the provider's message, and a body cut inside a line
 * is a truncation. However a stream ends, its decoder is closed once.
 */
class JsonLinesStreamTest extends FakeUpstreamTest {

  static ChatRequest request() {
    return new ChatRequest("s-1", OllamaNativeTestProvider.NAME, List.of(new ChatMessage(Role.USER, "Why is the sky blue?")),
        Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalInt.empty(), List.of(), Map.of());
  }

  private OllamaNativeTestProvider provider;

  private Recorder stream(Reply reply) {
    upstream.enqueue(reply);
    provider = new OllamaNativeTestProvider(http, upstream.baseUrl());
    return Recorder.open(vertx, provider, request());
  }

  @ParameterizedTest
  @EnumSource(Chunking.class)
  void ollamasChatStreamDecodesHoweverItIsCut(Chunking chunking) {
    Recorder recorder = stream(Reply.stream(Fixtures.bytes("ollama/synthetic/chat-stream.ndjson")).chunking(chunking, 0))
        .awaitEnd();

    assertThat(String.join("", recorder.texts())).isEqualTo("The sky is blue because of Rayleigh scattering.");
    List<UpstreamEvent> events = recorder.snapshot();
    assertThat(events.get(0)).isEqualTo(new UpstreamEvent.Opened(OllamaNativeTestProvider.NAME, "llama3.2"));
    assertThat(events.subList(events.size() - 2, events.size())).containsExactly(
        new UpstreamEvent.UsageReport(new Usage(26, 282)), new UpstreamEvent.Finished(FinishReason.STOP));
    assertThat(upstream.takeRequest().uri()).isEqualTo("/api/chat");
  }

  @Test
  void anErrorLineMidStreamFailsWithTheProvidersMessage() {
    Recorder recorder = stream(Reply.stream(Fixtures.bytes("ollama/synthetic/chat-midstream-error.ndjson")));

    GatewayException failure = recorder.awaitFailure();
    assertThat(recorder.texts()).containsExactly("Yes", ".", " I", " can");
    assertThat(failure.getMessage()).contains("an error was encountered while running the model");
  }

  @Test
  void aBodyCutInsideALineIsATruncation() {
    byte[] body = Fixtures.bytes("ollama/synthetic/chat-stream.ndjson");
    Recorder recorder = stream(Reply.stream(body).endAfter(body.length - 20));

    assertThat(recorder.awaitFailure().code()).isEqualTo(ErrorCode.UPSTREAM_TRUNCATED);
    assertThat(recorder.texts()).hasSize(9);
  }

  @Test
  void aFinishedStreamClosesItsDecoderOnce() {
    stream(Reply.stream(Fixtures.bytes("ollama/synthetic/chat-stream.ndjson"))).awaitEnd();

    assertThat(provider.decodersClosed()).isEqualTo(1);
  }

  @Test
  void aFailedStreamClosesItsDecoderOnce() {
    stream(Reply.stream(Fixtures.bytes("ollama/synthetic/chat-midstream-error.ndjson"))).awaitFailure();

    assertThat(provider.decodersClosed()).isEqualTo(1);
  }

  @Test
  void aCancelledStreamClosesItsDecoderOnce() {
    byte[] body = Fixtures.bytes("ollama/synthetic/chat-stream.ndjson");
    Recorder recorder = stream(Reply.stream(body).stallAfter(body.length / 2));
    Await.until("a token arrives", () -> !recorder.texts().isEmpty());
    recorder.cancel();

    Await.until("the decoder is closed", () -> provider.decodersClosed() > 0);
    assertThat(provider.decodersClosed()).isEqualTo(1);
    assertThat(recorder.isOver()).isFalse();
  }

}
