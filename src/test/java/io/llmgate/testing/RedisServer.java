package io.llmgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (the Debian package; {@code .ci/run} installs it) of the test's own, on a free
 * port of 127.0.0.1, without persistence: nothing outlives {@link #stop}. {@link #start} again brings it
 * back on the same port, empty — what a Redis restart looks like to the gateway.
 */
public final class RedisServer implements AutoCloseable {
  private static final String BINARY = "/usr/bin/redis-server";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final int port;
  private final Path dir;
  private Process process;

  private RedisServer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /** Starts a new server and waits until it answers PING. */
  public static RedisServer launch() throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    RedisServer server = new RedisServer(port, Files.createTempDirectory("llmgate-redis"));
    server.start();
    return server;
  }

  public synchronized void start() throws IOException, InterruptedException {
    if (process != null) {
      throw new IllegalStateException("redis-server already running on " + port);
    }
    process = new ProcessBuilder(BINARY, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no", "--loglevel", "warning")
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!answersPing()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String log = Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "";
        stop();
        throw new IllegalStateException("redis-server did not start on port " + port + ": " + log);
      }
      Thread.sleep(20);
    }
  }

  /** Kills the server (SIGKILL: nothing is saved, connections drop at once) and waits for it to exit. */
  public synchronized void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
      process = null;
    }
  }

  /** Stops the server without closing its connections (SIGSTOP): a stalled Redis, silent until {@link #resume}. */
  public synchronized void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  public synchronized void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
    }
  }

  /** Sends one command (as redis-cli would) and returns the first line of the reply, e.g. {@code :2}. */
  public String call(String... command) throws IOException {
    StringBuilder resp = new StringBuilder("*").append(command.length).append("\r\n");
    for (String part : command) {
      resp.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
    }
    try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(resp.toString().getBytes(StandardCharsets.UTF_8));
      return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  private boolean answersPing() {
    try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
