package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.Fixtures;
import io.llmgate.provider.sse.SseDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every frame reads as parsing its decoded text alone did (the rule before the stream kept one parser). */
class FrameReaderTest {
  private static final ObjectMapper TEXT_PARSER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Chunk(String model, List<Choice> choices, JsonNode error) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Choice(int index, Delta delta) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Delta(String content) {}

  private static final String CHUNK = "{\"id\":\"c\",\"x\":{\"y\":[1,{\"z\":null}],\"w\":\"q\"},\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"é 😊 \\\"}\\\\\"},\"finish_reason\":null}],"
      + "\"error\":{\"a\":[1,2,{\"b\":\"c]\"}],\"d\":{\"e\":1.5e3}}}";

  /** Each data payload through one reader, as a stream's frames are; a malformed one reads as its error. */
  private static <T> List<Object> readAll(Class<T> type, List<byte[]> payloads) {
    FrameReader<T> reader = new FrameReader<>("acme", type);
    List<Object> read = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(event -> {
      try {
        read.add(reader.read(event));
      } catch (GatewayException e) {
        read.add(e.getMessage());
      }
    });
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (byte[] payload : payloads) {
      stream.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
      stream.writeBytes(payload);
      stream.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    }
    decoder.feed(stream.toByteArray());
    return read;
  }

  private static <T> List<Object> readAsText(Class<T> type, List<byte[]> payloads) {
    List<Object> read = new ArrayList<>();
    for (byte[] payload : payloads) {
      String text = new String(payload, StandardCharsets.UTF_8);
      try {
        // A frame of "null" is malformed, not a null value.
        read.add(java.util.Objects.requireNonNull(TEXT_PARSER.readValue(text, type)));
      } catch (Exception e) {
        read.add(io.llmgate.error.UpstreamErrors.malformed("acme", text, "JSON " + type.getSimpleName()).getMessage());
      }
    }
    return read;
  }

  private static void readsAsText(List<byte[]> payloads) {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      assertThat(readAll(JsonNode.class, payloads)).isEqualTo(readAsText(JsonNode.class, payloads));
      assertThat(readAll(Chunk.class, payloads)).isEqualTo(readAsText(Chunk.class, payloads));
    });
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Found by FrameReaderPropertiesTest: "null" read as a null chunk, which the decoders then dereferenced. */
  @Test
  void aNullFrameIsMalformedNotANullValue() {
    assertThat(readAll(Chunk.class, List.of(utf8("null"), utf8(CHUNK))).get(0))
        .isEqualTo("acme: malformed frame null (expected: JSON Chunk)");
  }

  @Test
  void everyRecordedFrameReadsAsItsText() {
    for (String file : List.of("openai-chat/text-with-usage.sse", "openai-chat/tool-call-with-usage.sse",
        "anthropic/thinking.sse", "anthropic/text-then-tool-use-with-input-json.sse", "gemini/text.sse",
        "gemini/function-call.sse", "deepseek/reasoner.sse")) {
      List<byte[]> payloads = Fixtures.dataPayloads(file).stream().map(FrameReaderTest::utf8).toList();
      assertThat(payloads).as(file).isNotEmpty();
      readsAsText(payloads);
    }
  }

  @Test
  void aFrameCutAnywhereReadsAsItsTextAndTheNextFrameStillReads() {
    byte[] chunk = utf8(CHUNK);
    for (int cut = 0; cut <= chunk.length; cut++) {
      byte[] head = Arrays.copyOf(chunk, cut);
      byte[] headThenGarbage = utf8(new String(head, StandardCharsets.UTF_8) + "}]\"x");
      readsAsText(List.of(chunk, head, chunk, headThenGarbage, chunk));
    }
  }

  @Test
  void whatFollowsTheObjectIsIgnoredAsBefore() {
    readsAsText(List.of(utf8(CHUNK + " {\"model\":\"second\"}"), utf8(CHUNK + "x"), utf8(CHUNK + " tru"),
        utf8(CHUNK + " \"}"), utf8(" \t" + CHUNK + " \t"), utf8(CHUNK)));
  }

  @Test
  void notAnObjectReadsAsBefore() {
    readsAsText(List.of(utf8("null"), utf8("[1]"), utf8("\"s\""), utf8("12"), utf8("{]"), utf8("{\"a\":1]"),
        utf8("\uFEFF" + CHUNK), utf8("{\"a\":1}}"), utf8(CHUNK)));
  }

  @Test
  void illFormedUtf8ReadsAsItsDecodedText() {
    byte[][] illFormed = {
      {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'}, // overlong NUL
      {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // surrogate
      {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'}, // truncated
    };
    readsAsText(List.of(illFormed[0], illFormed[1], illFormed[2], utf8(CHUNK)));
  }

  @Test
  void aMalformedFrameIsNamedInTheError() {
    assertThat(readAll(Chunk.class, List.of(utf8("{\"model\":\"é\","))))
        .containsExactly("acme: malformed frame {\"model\":\"é\", (expected: JSON Chunk)");
  }

  @Test
  void aReaderClosedAtItsStreamsEndReadsAgainWithANewParser() {
    FrameReader<Chunk> reader = new FrameReader<>("acme", Chunk.class);
    Object expected = readAsText(Chunk.class, List.of(CHUNK.getBytes(StandardCharsets.UTF_8))).get(0);
    List<Object> read = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(event -> read.add(reader.read(event)));
    byte[] frame = ("data: " + CHUNK + "\n\n").getBytes(StandardCharsets.UTF_8);

    decoder.feed(frame);
    reader.close();
    reader.close();
    decoder.feed(frame);

    assertThat(read).containsExactly(expected, expected);
  }
}
