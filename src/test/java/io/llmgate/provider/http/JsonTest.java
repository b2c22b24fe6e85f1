package io.llmgate.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgate.error.GatewayException;
import io.llmgate.provider.sse.SseDecoder;
import io.llmgate.provider.sse.SseEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static final ObjectMapper TEXT_PARSER = new ObjectMapper();

  record Piece(String text, Integer n) {}

  /** Runs {@code read} on the one event that {@code data: <data bytes>} frames, while its data is lent. */
  private static <T> T onFrame(byte[] data, Function<SseEvent, T> read) {
    List<T> results = new ArrayList<>();
    SseDecoder decoder = new SseDecoder(event -> results.add(read.apply(event)));
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
    frame.writeBytes(data);
    frame.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    decoder.feed(frame.toByteArray());
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private static JsonNode readAsBefore(byte[] data) throws Exception {
    return TEXT_PARSER.readTree(new String(data, StandardCharsets.UTF_8));
  }

  @Test
  void readsTheBytesAsTheTextParserReadsTheDecodedString() throws Exception {
    for (String json : List.of("{\"text\":\"plain\",\"n\":1}", "{\"text\":\"é 😊 известни \\u2028 \\\"q\\\" \\\\ \\n\"}",
        "  {\"text\":\"leading blanks\"}", "{\"text\":\"x\"} trailing")) {
      byte[] data = json.getBytes(StandardCharsets.UTF_8);
      JsonNode read = onFrame(data, event -> Json.read("p", event, JsonNode.class));
      assertThat(read).as(json).isEqualTo(readAsBefore(data));
      assertThat(onFrame(data, event -> Json.read("p", event, Piece.class)).text()).isEqualTo(read.path("text").asText());
    }
  }

  @Test
  void illFormedUtf8ReadsAsTheDecodedTextDid() throws Exception {
    byte[][] illFormed = {
      {'{', '"', 't', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'}, // overlong NUL
      {'{', '"', 't', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // a surrogate
      {'{', '"', 't', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'}, // truncated
    };
    for (byte[] data : illFormed) {
      JsonNode read = onFrame(data, event -> Json.read("p", event, JsonNode.class));
      assertThat(read).isEqualTo(readAsBefore(data));
    }
  }

  @Test
  void aLeadingBomIsRefusedAsTheTextParserRefusesIt() {
    byte[] data = "\uFEFF{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> readAsBefore(data)).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> onFrame(data, event -> Json.read("p", event, JsonNode.class)))
        .isInstanceOf(GatewayException.class);
  }

  @Test
  void aMalformedFrameIsNamedInTheError() {
    byte[] data = "{\"text\":\"é\",".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> onFrame(data, event -> Json.read("acme", event, Piece.class)))
        .isInstanceOf(GatewayException.class)
        .hasMessage("acme: malformed frame {\"text\":\"é\", (expected: JSON Piece)");
  }
}
