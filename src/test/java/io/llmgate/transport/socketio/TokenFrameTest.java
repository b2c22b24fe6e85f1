package io.llmgate.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.llmgate.stream.StreamEvent;
import io.llmgate.transport.EventJson;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A token event written into one frame is, byte for byte, what the payload, packet and frame Strings made. */
class TokenFrameTest {
  private static final List<String> TOKENS = List.of("Hello", "", " \"quoted\" ", "back\\slash\\", "line\nbreak\r\t",
      "\u0000\u0001\u001f\u007f control", "é ü ß 中文 известни", "😊👍🏽 emoji", "\u2028\u2029", "\ud83d lone surrogate",
      "</script>", "x".repeat(5000));

  /** The frame as the three Strings built it: EventJson.payload, then the Socket.IO packet, then "4" + that. */
  private static String asBefore(String namespace, String event, String payload) {
    String header = "2" + ("/".equals(namespace) ? "" : namespace + ",");
    StringBuilder quoted = new StringBuilder();
    SocketIoPacketCodec.appendQuoted(quoted, event);
    return "4" + header + "[" + quoted + "," + payload + "]";
  }

  private static String oneString(String namespace, String event, StreamEvent token) {
    return EnginePacket.message(EventJson.sizeHint(token), frame -> SocketIoPacketCodec.appendRawEvent(frame,
        namespace, event, json -> EventJson.appendPayload(json, token))).encodeText();
  }

  @Test
  void everyTokenEncodesToTheSameBytes() {
    Instant at = Instant.parse("2026-11-25T16:24:59.123Z");
    for (String namespace : List.of("/", "/chat")) {
      for (String text : TOKENS) {
        for (StreamEvent event : List.of(new StreamEvent.Token("s-1\"é", text, 7, at),
            new StreamEvent.Reasoning("s-1", text, Long.MAX_VALUE, at))) {
          String frame = oneString(namespace, event.kind().eventName(), event);
          assertThat(frame.getBytes(StandardCharsets.UTF_8))
              .isEqualTo(asBefore(namespace, event.kind().eventName(), EventJson.payload(event))
                  .getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }

  @Test
  void thePayloadIsTheJsonItAlwaysWas() {
    Instant at = Instant.parse("2026-11-25T16:24:59.123Z");
    for (String text : TOKENS) {
      StringBuilder escaped = new StringBuilder();
      JsonStringEncoder.getInstance().quoteAsString(text, escaped);
      assertThat(EventJson.payload(new StreamEvent.Token("s", text, 3, at)))
          .isEqualTo("{\"sessionId\":\"s\",\"token\":\"" + escaped + "\",\"index\":3,"
              + "\"timestamp\":\"2026-11-25T16:24:59.123Z\"}");
    }
  }

  @Test
  void theFrameParsesAsTheEventAndItsPayload() {
    StreamEvent.Token token = new StreamEvent.Token("s", "é \"x\" 😊", 1, Instant.parse("2026-11-25T16:24:59.123Z"));
    String frame = oneString("/", "llm:stream:token", token);
    JsonArray packet = new JsonArray(frame.substring(2));
    assertThat(packet.getString(0)).isEqualTo("llm:stream:token");
    assertThat(packet.getJsonObject(1).getString("token")).isEqualTo("é \"x\" 😊");
  }
}
