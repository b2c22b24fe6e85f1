package io.llmgate.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client at the byte level, for what no client library sends or does: invalid UTF-8 in a
 * text frame, a frame split anywhere, a client that writes and never reads. Blocking, on the test thread.
 */
public final class RawWebSocket implements AutoCloseable {
  private static final byte[] MASK = {1, 2, 3, 4};
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** One frame as it came: its opcode and payload. */
  public record Frame(int opcode, byte[] payload) {
    /** The close code of a close frame, -1 for any other frame. */
    public int closeCode() {
      return opcode == 8 && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Upgrades {@code path} on 127.0.0.1:{@code port}; {@code headers} are extra "Name: value" lines. */
  public static RawWebSocket open(int port, String path, String... headers) throws IOException {
    RawWebSocket ws = new RawWebSocket(new Socket("127.0.0.1", port));
    ws.socket.setSoTimeout(15_000);
    StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\n"
        + "Sec-WebSocket-Version: 13\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    ws.out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      head.append((char) ws.in.readUnsignedByte());
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      ws.close();
      throw new IOException("upgrade refused: " + head);
    }
    return ws;
  }

  /** Sends one masked frame (payloads under 126 bytes). */
  public void send(int opcode, boolean fin, byte[] payload) throws IOException {
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) ((fin ? 0x80 : 0) | opcode);
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(MASK, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ MASK[i % 4]);
    }
    out.write(frame);
  }

  public void sendText(byte[] payload) throws IOException {
    send(0x1, true, payload);
  }

  /** The next frame from the server (payloads under 64 KiB). */
  public Frame read() throws IOException {
    int opcode = in.readUnsignedByte() & 0x0f;
    int length = in.readUnsignedByte() & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(opcode, payload);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
