package io.llmgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw-socket HTTP, for requests no well-behaved client would send. */
public final class RawHttp {
  private RawHttp() {}

  /**
   * Everything the server sends until it closes the connection; "[still open]" ends it if the socket's read
   * timeout passes first.
   */
  public static String readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    try {
      in.transferTo(received);
      return received.toString(StandardCharsets.UTF_8);
    } catch (SocketTimeoutException stillOpen) {
      return received.toString(StandardCharsets.UTF_8) + "[still open]";
    }
  }
}
