package io.llmgate.provider;

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
