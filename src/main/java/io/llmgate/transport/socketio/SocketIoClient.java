package io.llmgate.transport.socketio;

import io.llmgate.transport.socketio.SocketIoPacketCodec.Encoded;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO side of one Engine.IO session: decodes packets, multiplexes namespaces (one socket
 * per joined namespace) and enforces the connect timeout. Lives on the session's context.
 */
final class SocketIoClient {

  private static final Logger LOG = LoggerFactory.getLogger(SocketIoClient.class);

  private final SocketIoServer server;
  private final EngineIoSession session;
  private final Map<String, SocketIoSocket> sockets = new HashMap<>(); // by namespace
  private final Set<String> authenticating = new HashSet<>();
  private BinaryPacketAssembler assembler; // set while a binary packet's attachments arrive
  private long connectTimer;
  private boolean closed;

  SocketIoClient(SocketIoServer server, EngineIoSession session) {
    this.server = server;
    this.session = session;
    session
        .textHandler(this::onText)
        .binaryHandler(this::onBinary)
        .closeHandler(this::onClose)
        .drainHandler(v -> new ArrayList<>(sockets.values()).forEach(SocketIoSocket::onDrain));
    connectTimer =
        vertx()
            .setTimer(
                server.options().getConnectTimeout(),
                t -> {
                  connectTimer = -1;
                  if (sockets.isEmpty()) {
                    session.close("forced server close");
                  }
                });
  }

  Vertx vertx() {
    return server.vertx();
  }

  SocketIoOptions options() {
    return server.options();
  }

  EngineIoSession session() {
    return session;
  }

  void execute(Runnable task) {
    session.execute(task);
  }

  void send(String packet) {
    session.send(packet);
  }

  void send(EnginePacket packet) {
    session.send(packet);
  }

  void send(Encoded packet) {
    frames(packet).forEach(session::send);
  }

  /** The Engine.IO messages of one packet: its text, then each binary attachment. */
  static List<EnginePacket> frames(Encoded packet) {
    List<EnginePacket> frames = new ArrayList<>(1 + packet.attachments().size());
    frames.add(EnginePacket.message(packet.text()));
    for (Buffer attachment : packet.attachments()) {
      frames.add(EnginePacket.binaryMessage(attachment));
    }
    return frames;
  }

  void leave(SocketIoSocket socket) {
    sockets.remove(socket.namespace(), socket);
  }

  void close(String reason) {
    session.close(reason);
  }

  // ---- incoming ----

  private void onText(String text) {
    if (assembler != null) {
      protocolError("text packet while binary attachments were expected");
      return;
    }
    SocketIoPacket packet;
    try {
      packet = SocketIoPacketCodec.decode(text);
    } catch (MalformedPacketException e) {
      protocolError(e.getMessage());
      return;
    }
    if (packet.attachments() > 0 && !sockets.containsKey(packet.namespace())) {
      // Attachments are held until the packet is complete: only a joined (authenticated) socket
      // may make the server hold them, or anyone could pile up memory without a token.
      protocolError("binary packet for a namespace not joined: " + packet.namespace());
    } else if (packet.attachments() > 0) {
      assembler = new BinaryPacketAssembler(packet);
    } else {
      dispatch(packet);
    }
  }

  private void onBinary(Buffer data) {
    if (assembler == null) {
      protocolError("binary message without a binary packet");
      return;
    }
    boolean allIn = assembler.add(data);
    if (assembler.bytes() > options().getMaxPayload()) {
      // Each attachment fits maxPayload; together they must too, or a client could pile up memory.
      protocolError("binary attachments larger than maxPayload");
      return;
    }
    if (allIn) {
      BinaryPacketAssembler complete = assembler;
      assembler = null;
      try {
        dispatch(complete.assemble());
      } catch (MalformedPacketException e) {
        protocolError(e.getMessage());
      }
    }
  }

  private void protocolError(String detail) {
    LOG.debug("closing Engine.IO session {}: {}", session.id(), detail);
    session.close("parse error");
  }

  private void dispatch(SocketIoPacket packet) {
    String nsp = packet.namespace();
    switch (packet.type()) {
      case CONNECT ->
          connect(nsp, packet.data() instanceof JsonObject auth ? auth : new JsonObject());
      case DISCONNECT -> {
        SocketIoSocket socket = sockets.remove(nsp);
        if (socket != null) {
          socket.onClose("client namespace disconnect");
        }
      }
      case EVENT, BINARY_EVENT -> {
        SocketIoSocket socket = sockets.get(nsp);
        if (socket != null) {
          socket.onEvent(packet); // else not joined (or not yet authenticated): ignored
        }
      }
      case ACK, BINARY_ACK -> {
        SocketIoSocket socket = sockets.get(nsp);
        if (socket != null) {
          socket.onAck(packet);
        }
      }
      case CONNECT_ERROR -> protocolError("CONNECT_ERROR from a client");
    }
  }

  private void connect(String name, JsonObject auth) {
    SocketIoNamespace namespace = server.existingNamespace(name);
    if (namespace == null) {
      send(
          SocketIoPacketCodec.encodeConnectError(
              name, new JsonObject().put("message", "Invalid namespace")));
      return;
    }
    if (sockets.containsKey(name) || !authenticating.add(name)) {
      return; // already joined or joining
    }
    namespace
        .authenticate(auth)
        .onComplete(result -> execute(() -> onAuthenticated(namespace, auth, result)));
  }

  private void onAuthenticated(
      SocketIoNamespace namespace, JsonObject auth, AsyncResult<?> result) {
    authenticating.remove(namespace.name());
    if (closed) {
      if (result.succeeded()) {
        namespace.release(result.result());
      }
      return;
    }
    if (result.failed()) {
      send(SocketIoPacketCodec.encodeConnectError(namespace.name(), connectError(result.cause())));
      return;
    }
    Optional<PersistedSessions.Session> previous =
        options().recoversConnectionState()
            ? namespace.restore(auth, result.result())
            : Optional.empty();
    SocketIoSocket socket =
        previous
            .map(session -> SocketIoSocket.restored(this, namespace, result.result(), auth, session))
            .orElseGet(() -> SocketIoSocket.fresh(this, namespace, result.result(), auth));
    sockets.put(namespace.name(), socket);
    // Like the official server: the missed packets go first; the client holds events that arrive
    // before CONNECT and hands them to the application, in order, as it connects.
    previous.ifPresent(
        session -> session.log().after((String) auth.getValue("offset")).orElseThrow()
            .forEach(session()::send));
    send(SocketIoPacketCodec.encodeConnect(namespace.name(), socket.connectReply()));
    namespace.onConnected(socket);
  }

  private static JsonObject connectError(Throwable cause) {
    String message =
        cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    JsonObject error = new JsonObject().put("message", message);
    if (cause instanceof SocketIoException e) {
      e.data().ifPresent(data -> error.put("data", data));
    }
    return error;
  }

  private void onClose(String reason) {
    closed = true;
    if (connectTimer >= 0) {
      vertx().cancelTimer(connectTimer);
    }
    assembler = null;
    var all = new ArrayList<>(sockets.values());
    sockets.clear();
    all.forEach(socket -> socket.onClose(reason));
  }
}
