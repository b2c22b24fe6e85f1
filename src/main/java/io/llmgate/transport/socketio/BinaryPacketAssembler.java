package io.llmgate.transport.socketio;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the binary attachments announced by a BINARY_EVENT or BINARY_ACK header, then rebuilds
 * the packet. One per client; the protocol sends a header's attachments right after it.
 */
final class BinaryPacketAssembler {

  private final SocketIoPacket header;
  private final List<Buffer> attachments;
  private long bytes;

  BinaryPacketAssembler(SocketIoPacket header) {
    this.header = header;
    this.attachments = new ArrayList<>(header.attachments());
  }

  /** Adds one attachment; returns true when all have arrived. */
  boolean add(Buffer attachment) {
    attachments.add(attachment);
    bytes += attachment.length();
    return attachments.size() == header.attachments();
  }

  /** Bytes of the attachments received so far. */
  long bytes() {
    return bytes;
  }

  SocketIoPacket assemble() throws MalformedPacketException {
    return SocketIoPacketCodec.reconstruct(header, attachments);
  }
}
