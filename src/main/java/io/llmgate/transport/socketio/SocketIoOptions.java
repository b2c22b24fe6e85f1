package io.llmgate.transport.socketio;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Settings of a {@link SocketIoServer}, with the Socket.IO reference server's defaults. Mutable and
 * fluent like Vert.x options; the server copies them at creation.
 */
public final class SocketIoOptions {

  public static final String DEFAULT_PATH = "/socket.io/";
  public static final long DEFAULT_PING_INTERVAL = 25_000;
  public static final long DEFAULT_PING_TIMEOUT = 20_000;
  public static final int DEFAULT_MAX_PAYLOAD = 1_000_000;
  public static final long DEFAULT_CONNECT_TIMEOUT = 45_000;
  public static final long DEFAULT_UPGRADE_TIMEOUT = 10_000;
  public static final long DEFAULT_ACK_TIMEOUT = 10_000;
  public static final int DEFAULT_WRITE_QUEUE_MAX_SIZE = 64 * 1024;
  public static final long DEFAULT_WRITE_COALESCING_DELAY = 0;
  public static final int DEFAULT_RECOVERY_PACKETS = 1000;
  public static final long DEFAULT_RECOVERY_MAX_BYTES = 64L << 20;

  private String path = DEFAULT_PATH;
  private long pingInterval = DEFAULT_PING_INTERVAL;
  private long pingTimeout = DEFAULT_PING_TIMEOUT;
  private int maxPayload = DEFAULT_MAX_PAYLOAD;
  private long connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private long upgradeTimeout = DEFAULT_UPGRADE_TIMEOUT;
  private long ackTimeout = DEFAULT_ACK_TIMEOUT;
  private int writeQueueMaxSize = DEFAULT_WRITE_QUEUE_MAX_SIZE;
  private long writeCoalescingDelay = DEFAULT_WRITE_COALESCING_DELAY;
  private Predicate<HttpServerRequest> allowRequest = request -> true;
  private long maxDisconnectionDuration;
  private int recoveryPackets = DEFAULT_RECOVERY_PACKETS;
  private long recoveryMaxBytes = DEFAULT_RECOVERY_MAX_BYTES;

  public SocketIoOptions() {}

  public SocketIoOptions(SocketIoOptions other) {
    this.path = other.path;
    this.pingInterval = other.pingInterval;
    this.pingTimeout = other.pingTimeout;
    this.maxPayload = other.maxPayload;
    this.connectTimeout = other.connectTimeout;
    this.upgradeTimeout = other.upgradeTimeout;
    this.ackTimeout = other.ackTimeout;
    this.writeQueueMaxSize = other.writeQueueMaxSize;
    this.writeCoalescingDelay = other.writeCoalescingDelay;
    this.allowRequest = other.allowRequest;
    this.maxDisconnectionDuration = other.maxDisconnectionDuration;
    this.recoveryPackets = other.recoveryPackets;
    this.recoveryMaxBytes = other.recoveryMaxBytes;
  }

  /**
   * Makes an HTTP server fit for this Socket.IO server: permessage-deflate off (compressing each
   * small token frame costs far more than it saves: ~5k instead of 70k+ events/s) and WebSocket
   * frames and messages allowed up to {@code maxPayload} (Vert.x defaults to 64 KiB frames).
   */
  public HttpServerOptions applyTo(HttpServerOptions server) {
    return server
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setMaxWebSocketFrameSize(Math.max(server.getMaxWebSocketFrameSize(), maxPayload))
        .setMaxWebSocketMessageSize(Math.max(server.getMaxWebSocketMessageSize(), maxPayload));
  }

  /** The URL path the server answers on, with leading and trailing slash. */
  public String getPath() {
    return path;
  }

  public SocketIoOptions setPath(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/") || !path.endsWith("/")) {
      throw new IllegalArgumentException(
          "path: " + path + " (expected: starting and ending with '/')");
    }
    this.path = path;
    return this;
  }

  /** Milliseconds between server pings. */
  public long getPingInterval() {
    return pingInterval;
  }

  public SocketIoOptions setPingInterval(long millis) {
    this.pingInterval = positive("pingInterval", millis);
    return this;
  }

  /** Milliseconds to wait for a pong before the session is closed. */
  public long getPingTimeout() {
    return pingTimeout;
  }

  public SocketIoOptions setPingTimeout(long millis) {
    this.pingTimeout = positive("pingTimeout", millis);
    return this;
  }

  /** Largest message (WebSocket) or POST body (polling), in bytes, a client may send. */
  public int getMaxPayload() {
    return maxPayload;
  }

  public SocketIoOptions setMaxPayload(int bytes) {
    this.maxPayload = (int) positive("maxPayload", bytes);
    return this;
  }

  /** Milliseconds a new connection has to join a namespace before it is closed. */
  public long getConnectTimeout() {
    return connectTimeout;
  }

  public SocketIoOptions setConnectTimeout(long millis) {
    this.connectTimeout = positive("connectTimeout", millis);
    return this;
  }

  /** Milliseconds a polling client has to complete its upgrade to WebSocket after the probe. */
  public long getUpgradeTimeout() {
    return upgradeTimeout;
  }

  public SocketIoOptions setUpgradeTimeout(long millis) {
    this.upgradeTimeout = positive("upgradeTimeout", millis);
    return this;
  }

  /** Default milliseconds {@link SocketIoSocket#emitWithAck} waits for the client's ack. */
  public long getAckTimeout() {
    return ackTimeout;
  }

  public SocketIoOptions setAckTimeout(long millis) {
    this.ackTimeout = positive("ackTimeout", millis);
    return this;
  }

  /**
   * Bytes waiting for a slow client (for the next poll, or for the WebSocket's previous write to
   * complete) above which {@link SocketIoSocket#writeQueueFull()} says true. A full WebSocket write
   * queue counts as full too.
   */
  public int getWriteQueueMaxSize() {
    return writeQueueMaxSize;
  }

  public SocketIoOptions setWriteQueueMaxSize(int bytes) {
    this.writeQueueMaxSize = (int) positive("writeQueueMaxSize", bytes);
    return this;
  }

  /**
   * Milliseconds a WebSocket batch waits before it is written, 0 (the default) for not at all.
   *
   * <p>With 0 a WebSocket packet is written at once, so the second of two events produced in the same
   * event-loop turn (two SSE frames of one upstream read, the last token and {@code done}) is not held
   * back. With a positive delay a packet is written only once the previous write has completed, and
   * the packets produced meanwhile wait that long after it (unless they already hold half of {@link
   * #getWriteQueueMaxSize()}) and go out as one batch, so that the peer most likely reads the previous
   * frame on its own. Only a client that loses the second of two frames arriving in one TCP read needs
   * that: the official conformance suite, whose ws client emits every frame of a read at once while
   * the test listens for one message at a time (see docs/socketio-conformance.md). Real clients
   * (socket.io-client, browsers) keep a permanent message handler and lose nothing.
   */
  public long getWriteCoalescingDelay() {
    return writeCoalescingDelay;
  }

  public SocketIoOptions setWriteCoalescingDelay(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("writeCoalescingDelay: " + millis + " (expected: >= 0)");
    }
    this.writeCoalescingDelay = millis;
    return this;
  }

  /**
   * Decides, from its headers, whether an Engine.IO request may go on (the official server's {@code
   * allowRequest}, here synchronous): a refused handshake, poll or upgrade gets 403 {@code {"code":4,
   * "message":"Forbidden"}}, which the client reports as a connect_error. Default: every request. Called on
   * the request's event loop; it must not block.
   */
  public Predicate<HttpServerRequest> getAllowRequest() {
    return allowRequest;
  }

  public SocketIoOptions setAllowRequest(Predicate<HttpServerRequest> allowRequest) {
    this.allowRequest = Objects.requireNonNull(allowRequest, "allowRequest");
    return this;
  }

  /**
   * Connection state recovery (the official server's {@code connectionStateRecovery} option): how many
   * milliseconds a socket that lost its connection for a recoverable reason (transport close or error,
   * ping timeout) may come back as itself, with the same id and every event packet it missed. 0, the
   * default, turns recovery off: no {@code pid} in the CONNECT reply and no offset in event packets.
   */
  public long getMaxDisconnectionDuration() {
    return maxDisconnectionDuration;
  }

  public SocketIoOptions setMaxDisconnectionDuration(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("maxDisconnectionDuration: " + millis + " (expected: >= 0)");
    }
    this.maxDisconnectionDuration = millis;
    return this;
  }

  boolean recoversConnectionState() {
    return maxDisconnectionDuration > 0;
  }

  /**
   * With recovery on, how many of its newest event packets each socket keeps: those the client may not
   * have received when its transport dropped. An offset older than these cannot be recovered (the client
   * then gets a new socket, {@code recovered} false), which bounds the memory per socket.
   */
  public int getRecoveryPackets() {
    return recoveryPackets;
  }

  public SocketIoOptions setRecoveryPackets(int packets) {
    this.recoveryPackets = (int) positive("recoveryPackets", packets);
    return this;
  }

  /**
   * With recovery on, about how many bytes of heap the packets all sockets keep for it (connected ones and
   * those whose connection dropped) may hold together, per namespace; past it the oldest kept socket is
   * forgotten (its client gets a new socket, {@code recovered} false), and with none left a connected
   * socket that needs room drops its own oldest packets. Bounds what recovery costs in all.
   */
  public long getRecoveryMaxBytes() {
    return recoveryMaxBytes;
  }

  public SocketIoOptions setRecoveryMaxBytes(long bytes) {
    this.recoveryMaxBytes = positive("recoveryMaxBytes", bytes);
    return this;
  }

  private static long positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }
}
