package io.llmgate.transport.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgate.transport.socketio.EnginePacket.Type;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnginePacketTest {

  @Test
  void encodesEveryTypeAsItsDigit() {
    assertThat(EnginePacket.of(Type.OPEN, "{}").encodeText()).isEqualTo("0{}");
    assertThat(EnginePacket.CLOSE.encodeText()).isEqualTo("1");
    assertThat(EnginePacket.PING.encodeText()).isEqualTo("2");
    assertThat(EnginePacket.PONG.encodeText()).isEqualTo("3");
    assertThat(EnginePacket.message("hello").encodeText()).isEqualTo("4hello");
    assertThat(EnginePacket.UPGRADE.encodeText()).isEqualTo("5");
    assertThat(EnginePacket.NOOP.encodeText()).isEqualTo("6");
  }

  @Test
  void decodesTextFrames() throws Exception {
    assertThat(EnginePacket.decodeText("2probe")).isEqualTo(EnginePacket.of(Type.PING, "probe"));
    assertThat(EnginePacket.decodeText("3")).isEqualTo(EnginePacket.PONG);
    assertThat(EnginePacket.decodeText("4")).isEqualTo(EnginePacket.message(""));
  }

  @Test
  void rejectsUnknownTypesAndEmptyFrames() {
    assertThatThrownBy(() -> EnginePacket.decodeText("abc"))
        .isInstanceOf(MalformedPacketException.class)
        .hasMessage("Engine.IO packet type: 'a' (expected: 0-6)");
    assertThatThrownBy(() -> EnginePacket.decodeText("7"))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> EnginePacket.decodeText(""))
        .isInstanceOf(MalformedPacketException.class);
  }

  @Test
  void pollingPayloadJoinsWithRecordSeparatorAndBase64ForBinary() {
    String body =
        PollingPayload.encode(
            List.of(
                EnginePacket.message("hello"),
                EnginePacket.binaryMessage(Buffer.buffer(new byte[] {1, 2, 3, 4})),
                EnginePacket.PING));
    assertThat(body).isEqualTo("4hello\u001ebAQIDBA==\u001e2");
  }

  @Test
  void pollingPayloadDecodes() throws Exception {
    assertThat(PollingPayload.decode("4test1\u001e4test2\u001ebAQIDBA=="))
        .containsExactly(
            EnginePacket.message("test1"),
            EnginePacket.message("test2"),
            EnginePacket.binaryMessage(Buffer.buffer(new byte[] {1, 2, 3, 4})));
    assertThat(PollingPayload.decode("4é")).containsExactly(EnginePacket.message("é"));
  }

  @Test
  void pollingPayloadRejectsInvalidRecords() {
    assertThatThrownBy(() -> PollingPayload.decode("abc"))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> PollingPayload.decode("4a\u001e\u001e4b"))
        .isInstanceOf(MalformedPacketException.class);
    assertThatThrownBy(() -> PollingPayload.decode("b!!!"))
        .isInstanceOf(MalformedPacketException.class);
  }
}
