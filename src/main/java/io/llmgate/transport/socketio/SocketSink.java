package io.llmgate.transport.socketio;

import io.llmgate.stream.EventSink;
import io.llmgate.stream.StreamEvent;
import io.llmgate.transport.EventJson;
import java.util.ArrayList;
import java.util.List;

/**
 * The streams of one Socket.IO socket. The socket has one drain handler but may carry several streams,
 * each waiting for the queue to drain, so the waiters are collected here and all resumed together.
 */
final class SocketSink implements EventSink {
  private final SocketIoSocket socket;
  private List<Runnable> drainWaiters = new ArrayList<>();

  SocketSink(SocketIoSocket socket) {
    this.socket = socket;
    socket.drainHandler(v -> drained());
  }

  @Override
  public String transport() {
    return SocketIoChatHandler.TRANSPORT;
  }

  @Override
  public void send(StreamEvent event) {
    socket.emitRaw(event.kind().eventName(), EventJson.sizeHint(event), json -> EventJson.appendPayload(json, event));
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable callback) {
    if (!socket.writeQueueFull()) {
      callback.run();
      return;
    }
    drainWaiters.add(callback);
  }

  private void drained() {
    List<Runnable> waiting = drainWaiters;
    drainWaiters = new ArrayList<>();
    waiting.forEach(Runnable::run);
  }
}
