package io.llmgate.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.RawWebSocket;
import io.llmgate.testing.TestGateway;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A {@code /ws} client that sends without reading: on its own gateway, as the flood loads the server. */
class SlowReaderTest {
  private TestGateway gateway;

  @BeforeEach
  void start() {
    gateway = TestGateway.start();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  /** 200,000 bad one-byte frames from a client that never reads once made the server queue every refusal. */
  @Test
  void aClientThatSendsButNeverReadsIsClosedInsteadOfQueueingItsReplies() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(gateway.port(), "/ws", "Authorization: Bearer " + gateway.token("hoarder"))) {
      try {
        for (int i = 0; i < 200_000; i++) {
          ws.sendText(new byte[] {'x'});
        }
      } catch (IOException closedWhileSending) {
        // the server closed the connection: what is asserted below
      }
      assertThat(closedByServer(ws)).as("the server closed the connection").isTrue();
    }
  }

  /** Reads what the server sent until its close frame or the end of the connection; false if it stays open. */
  private static boolean closedByServer(RawWebSocket ws) throws IOException {
    try {
      while (true) {
        int code = ws.read().closeCode();
        if (code >= 0) {
          return code == 1008;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException ended) {
      return true; // EOF or reset: the server closed it
    }
  }

}
