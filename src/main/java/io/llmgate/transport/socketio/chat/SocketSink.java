package io.llmgate.transport.socketio.chat;

import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import io.llmgate.transport.DrainWaiters;
import io.llmgate.transport.EventJson;
import io.llmgate.transport.socketio.SocketIoSocket;

/**
 * The streams of one Socket.IO socket. The socket has one drain handler but may carry several streams,
 * each waiting for the queue to drain, so the waiters are collected here and all resumed together.
 * Called on the socket's context.
 */
final class SocketSink implements EventSink {
  private final SocketIoSocket socket;
  private final OpenStreams open;
  private final DrainWaiters drain;

  SocketSink(SocketIoSocket socket, OpenStreams open) {
    this.socket = socket;
    this.open = open;
    this.drain = new DrainWaiters(socket::writeQueueFull, socket::drainHandler);
  }

  OpenStreams open() {
    return open;
  }

  @Override
  public String transport() {
    return SocketIoChatHandler.TRANSPORT;
  }

  @Override
  public void send(StreamEvent event) {
    if (event.kind() == StreamEvent.Kind.STARTED && open.isOpen(event.sessionId())) {
      return; // a stream taken back after a recovered disconnect: its client had the start already
    }
    if (socket.isConnected()) { // on the socket's context, where a closed socket drops what it is sent
      open.handed(event);
    }
    socket.emitRaw(event.kind().eventName(), EventJson.sizeHint(event), json -> EventJson.appendPayload(json, event));
  }

  @Override
  public boolean writeQueueFull() {
    return drain.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable callback) {
    drain.onDrain(callback);
  }
}
