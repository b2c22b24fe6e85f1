package io.llmgate.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.RawWebSocket;
import io.llmgate.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A text frame that is not UTF-8 fails the connection with close code 1007 (RFC 6455 §8.1) on both
 * WebSocket endpoints, instead of being read as U+FFFD.
 */
class InvalidUtf8Test {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static RawWebSocket open(String path) throws Exception {
    RawWebSocket ws = RawWebSocket.open(gateway.port(), path);
    if (path.startsWith("/socket.io")) {
      assertThat(ws.read().opcode()).as("the Engine.IO open packet").isEqualTo(1);
    }
    return ws;
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ws", "/socket.io/?EIO=4&transport=websocket"})
  void invalidUtf8InATextFrameClosesWith1007(String path) throws Exception {
    try (RawWebSocket ws = open(path)) {
      // "4" then 0xC3 0x28: a two-byte sequence whose second byte is no continuation byte.
      ws.sendText(new byte[] {'4', (byte) 0xC3, 0x28});
      assertThat(ws.read().closeCode()).isEqualTo(1007);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ws", "/socket.io/?EIO=4&transport=websocket"})
  void aCharacterSplitAcrossContinuationFramesIsValid(String path) throws Exception {
    try (RawWebSocket ws = open(path)) {
      byte[] ping = "2€".getBytes(StandardCharsets.UTF_8); // the € split after its first byte
      ws.send(0x1, false, new byte[] {ping[0], ping[1]});
      ws.send(0x0, true, new byte[] {ping[2], ping[3]});
      // Socket.IO answers the ping; /ws answers that this is no auth frame (and closes for that reason).
      assertThat(ws.read().closeCode()).isNotEqualTo(1007);
    }
  }
}
