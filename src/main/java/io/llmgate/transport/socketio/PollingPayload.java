package io.llmgate.transport.socketio;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP long-polling body format of Engine.IO v4: packets joined by the record separator 0x1e,
 * binary ones as "b" + base64. Pure; no I/O.
 */
final class PollingPayload {

  static final char SEPARATOR = '\u001e';

  private PollingPayload() {}

  static String encode(Iterable<EnginePacket> packets) {
    StringBuilder sb = new StringBuilder();
    for (EnginePacket p : packets) {
      if (sb.length() > 0) {
        sb.append(SEPARATOR);
      }
      sb.append(p.encodeForPolling());
    }
    return sb.toString();
  }

  static List<EnginePacket> decode(String body) throws MalformedPacketException {
    List<EnginePacket> packets = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = body.indexOf(SEPARATOR, start);
      packets.add(
          EnginePacket.decodePolling(end < 0 ? body.substring(start) : body.substring(start, end)));
      if (end < 0) {
        return packets;
      }
      start = end + 1;
    }
  }
}
