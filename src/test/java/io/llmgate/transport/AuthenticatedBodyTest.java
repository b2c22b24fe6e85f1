package io.llmgate.transport;

import static io.llmgate.testing.RawHttp.readUntilClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgate.testing.TestGateway;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP API's POST routes check the token on the headers before reading a body, and a body must arrive
 * within {@code api.body-timeout}: over raw sockets, as an attacker would send them.
 */
class AuthenticatedBodyTest {
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(config -> config.withApi(config.api().withBodyTimeout(Duration.ofMillis(500))));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static Socket post(String path, String... headers) throws IOException {
    Socket socket = new Socket("127.0.0.1", gateway.port());
    socket.setSoTimeout(5_000);
    StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/chat/completions", "/v1/streams"})
  void aRequestWithoutTokenIsRefusedBeforeItsBodyIsSentAndClosed(String path) throws Exception {
    try (Socket socket = post(path, "Content-Length: 900000")) {
      socket.getOutputStream().write(new byte[1000]); // 899,000 bytes never come
      String answer = readUntilClosed(socket);
      assertThat(answer).startsWith("HTTP/1.1 401").contains("unauthorized: missing token")
          .doesNotContain("[still open]");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/chat/completions", "/v1/streams"})
  void aBodyTricklingInIsRefusedAfterTheBodyTimeoutAndClosed(String path) throws Exception {
    try (Socket socket = post(path, "Authorization: Bearer " + gateway.token("trickler"),
        "Transfer-Encoding: chunked")) {
      socket.getOutputStream().write("1\r\n{\r\n".getBytes(StandardCharsets.US_ASCII)); // and then nothing
      String answer = readUntilClosed(socket);
      assertThat(answer).startsWith("HTTP/1.1 400")
          .contains("request body: not complete within 500 ms (setting: api.body-timeout)")
          .doesNotContain("[still open]");
    }
  }
}
