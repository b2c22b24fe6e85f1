package io.llmgate.provider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A loopback port where a TCP connect hangs: its accept backlog is filled with idle connections, so the
 * kernel drops the next SYN and the client keeps retrying. That holds a client in the connecting phase
 * for real, so a test can cancel there. {@link #release()} makes room; the client's next SYN retry then
 * connects, and {@link #awaitClientConnection()} says what the client did with the connection.
 */
public final class FullBacklogListener implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();
  private final Set<Integer> fillerPorts = new HashSet<>();

  public FullBacklogListener() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 16; i++) {
      Socket filler = new Socket();
      try {
        filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
        fillers.add(filler);
        fillerPorts.add(filler.getLocalPort());
      } catch (SocketTimeoutException full) {
        filler.close();
        return;
      }
    }
    throw new IllegalStateException("accept backlog never filled up");
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** What the client did with its connection once it got one. */
  public record ClientConnection(long connectedAt, int bytesSent, long closedAt) {}

  /** Frees the backlog so the pending connect can complete. */
  public void release() throws IOException {
    for (Socket filler : fillers) {
      filler.close();
    }
  }

  /**
   * Accepts until the client's own HTTP/2 connection, reads what it sends until it has been quiet for
   * {@code quietMs}, and answers the types of the frames after the connection preface, in order.
   */
  public List<Integer> awaitHttp2FrameTypes(int quietMs) throws IOException {
    server.setSoTimeout(15_000);
    while (true) {
      try (Socket accepted = server.accept()) {
        if (fillerPorts.contains(accepted.getPort())) {
          continue;
        }
        accepted.setSoTimeout(quietMs);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        InputStream in = accepted.getInputStream();
        try {
          for (int b; (b = in.read()) != -1; ) {
            sent.write(b);
          }
        } catch (SocketTimeoutException quiet) {
          // the client has nothing more to send
        }
        return frameTypes(sent.toByteArray());
      }
    }
  }

  /** RFC 9113 §3.4 and §4.1: a 24-byte preface, then frames of a 9-byte header (length 3, type 1, …). */
  private static List<Integer> frameTypes(byte[] bytes) {
    List<Integer> types = new ArrayList<>();
    for (int at = 24; at + 9 <= bytes.length; ) {
      int length = ((bytes[at] & 0xff) << 16) | ((bytes[at + 1] & 0xff) << 8) | (bytes[at + 2] & 0xff);
      types.add(bytes[at + 3] & 0xff);
      at += 9 + length;
    }
    return types;
  }

  /** Accepts until the client's own connection, then reads it to EOF. */
  public ClientConnection awaitClientConnection() throws IOException {
    server.setSoTimeout(15_000);
    while (true) {
      try (Socket accepted = server.accept()) {
        if (fillerPorts.contains(accepted.getPort())) {
          continue;
        }
        long connectedAt = System.nanoTime();
        accepted.setSoTimeout(10_000);
        InputStream in = accepted.getInputStream();
        int sent = 0;
        while (in.read() != -1) {
          sent++;
        }
        return new ClientConnection(connectedAt, sent, System.nanoTime());
      }
    }
  }

  @Override
  public void close() throws IOException {
    release();
    server.close();
  }
}
