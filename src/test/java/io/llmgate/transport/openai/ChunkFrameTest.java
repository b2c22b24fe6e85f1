package io.llmgate.transport.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.llmgate.error.ErrorCode;
import io.llmgate.error.GatewayException;
import io.llmgate.stream.FinishReason;
import io.llmgate.stream.Usage;
import io.llmgate.transport.SseFrames;
import io.llmgate.transport.SseFramesBefore;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every chunk frame built in place is, char for char, what the chunk String and then the frame String made
 * (SseFramesTest and Utf8BufferTest hold the chars to the same bytes).
 */
class ChunkFrameTest {
  private static final List<String> TOKENS = List.of("Hello", "", " \"quoted\" ", "back\\slash\\", "line\nbreak\r\t",
      "\r\n", "\u0000\u0001\u001f\u007f control", "é ü ß 中文 известни", "😊👍🏽 emoji", "\u2028\u2029",
      "\ud83d lone surrogate", "\ud83dé", "</script>", "x".repeat(5000));

  private static String frame(Consumer<StringBuilder> data) {
    return SseFrames.appendEvent(new StringBuilder(), "", OptionalLong.empty(), data).toString();
  }

  @Test
  void everyChunkIsFramedAsBefore() {
    for (boolean includeUsage : new boolean[] {false, true}) {
      for (String model : List.of("bench/bench-model", "m\"\n😊")) {
        OpenAiChunks chunks = new OpenAiChunks("chatcmpl-1\\", 1_764_000_000L, model, includeUsage);
        Before before = new Before("chatcmpl-1\\", 1_764_000_000L, model, includeUsage);
        assertThat(frame(chunks::role)).isEqualTo(SseFramesBefore.data(before.role()));
        for (String text : TOKENS) {
          assertThat(frame(json -> chunks.content(json, text))).isEqualTo(SseFramesBefore.data(before.content(text)));
          assertThat(frame(json -> chunks.reasoning(json, text)))
              .isEqualTo(SseFramesBefore.data(before.reasoning(text)));
        }
        for (FinishReason reason : FinishReason.values()) {
          assertThat(frame(json -> chunks.finish(json, reason))).isEqualTo(SseFramesBefore.data(before.finish(reason)));
        }
        Usage usage = new Usage(12, Long.MAX_VALUE / 4);
        assertThat(frame(json -> chunks.usage(json, usage))).isEqualTo(SseFramesBefore.data(before.usage(usage)));
      }
    }
  }

  @Test
  void doneAndErrorFramesAreAsBefore() {
    assertThat(frame(json -> json.append("[DONE]"))).isEqualTo(SseFramesBefore.data("[DONE]"));
    GatewayException failure = new GatewayException(ErrorCode.values()[0], "bad \"thing\"\nhappened é😊");
    String error = OpenAiErrors.body(failure).encode();
    assertThat(frame(json -> json.append(error))).isEqualTo(SseFramesBefore.data(error));
    String cancelled = Completions.cancelledBody().encode();
    assertThat(frame(json -> json.append(cancelled))).isEqualTo(SseFramesBefore.data(cancelled));
  }

  /** OpenAiChunks as it was: a String per chunk. */
  private static final class Before {
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();
    private final String head;
    private final String chunkTail;

    Before(String id, long created, String model, boolean includeUsage) {
      StringBuilder head = new StringBuilder(96).append("{\"id\":");
      quote(head, id).append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created)
          .append(",\"model\":");
      this.head = quote(head, model).toString();
      this.chunkTail = includeUsage ? ",\"usage\":null}" : "}";
    }

    String role() {
      return choice("{\"role\":\"assistant\",\"content\":\"\"}", "null");
    }

    String content(String text) {
      return choice(quote(new StringBuilder(text.length() + 16).append("{\"content\":"), text).append('}')
          .toString(), "null");
    }

    String reasoning(String text) {
      return choice(quote(new StringBuilder(text.length() + 28).append("{\"reasoning_content\":"), text).append('}')
          .toString(), "null");
    }

    String finish(FinishReason reason) {
      return choice("{}", "\"" + OpenAiChunks.finishReason(reason) + "\"");
    }

    String usage(Usage usage) {
      return head + ",\"choices\":[],\"usage\":" + OpenAiChunks.usageJson(usage).encode() + "}";
    }

    private String choice(String delta, String finishReason) {
      return head + ",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
          + finishReason + "}]" + chunkTail;
    }

    private static StringBuilder quote(StringBuilder json, String value) {
      json.append('"');
      ENCODER.quoteAsString(value, json);
      return json.append('"');
    }
  }
}
