package io.llmgate.bench;

import java.util.concurrent.atomic.AtomicLong;

/** What one target recorded in one phase. */
final class Recorder {
  final Samples ttft = new Samples();
  /** First token, from the moment the client began to connect (only streams with a launch time). */
  final Samples ttftFromConnect = new Samples();
  /** Connecting (TCP, and for Socket.IO the handshake and CONNECT) until the request was sent. */
  final Samples connecting = new Samples();
  /**
   * From the request sent (for Socket.IO the {@code llm:chat:stream} emit) to the upstream writing the first
   * token: the gateway's way in, its upstream request, and the upstream's answer.
   */
  final Samples toUpstream = new Samples();
  /** The first token's way through the gateway: from the upstream writing it to the client reading it. */
  final Samples firstTokenThrough = new Samples();
  final Samples gaps = new Samples();
  final Samples frameLatency = new Samples();
  final AtomicLong tokens = new AtomicLong();
}
