package io.llmgate.transport.socketio;

import io.llmgate.transport.socketio.SocketIoPacket.Type;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Socket.IO v5 packet encoding and decoding, on strings and Buffers only (no I/O).
 *
 * <p>Wire form: type digit, then {@code <n>-} for binary packets, then {@code /nsp,} unless the
 * namespace is {@code /}, then the ack id digits, then the JSON payload. Binary values travel as
 * {@code {"_placeholder":true,"num":i}} in the JSON plus separate attachments.
 */
final class SocketIoPacketCodec {

  /** A packet ready for the wire: its text and the binary attachments that must follow it. */
  record Encoded(String text, List<Buffer> attachments) {}

  /** Event names the client library reserves; receiving one is a protocol error. */
  private static final Set<String> RESERVED_EVENTS =
      Set.of(
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener");

  /** An ack id longer than this would overflow JavaScript's safe integers anyway. */
  private static final int MAX_ACK_ID_DIGITS = 15;

  private static final int MAX_ATTACHMENTS_DIGITS = 6;

  /**
   * Attachments one binary packet may announce (socket.io-parser's {@code maxAttachments} default):
   * each announced attachment is memory the server would hold before the packet is complete.
   */
  static final int MAX_ATTACHMENTS = 10;

  private SocketIoPacketCodec() {}

  // ---- encoding ----

  static String encodeConnect(String namespace, JsonObject data) {
    return header(Type.CONNECT, 0, namespace, SocketIoPacket.NO_ACK)
        .append(data.encode())
        .toString();
  }

  static String encodeConnectError(String namespace, JsonObject error) {
    return header(Type.CONNECT_ERROR, 0, namespace, SocketIoPacket.NO_ACK)
        .append(error.encode())
        .toString();
  }

  static String encodeDisconnect(String namespace) {
    return header(Type.DISCONNECT, 0, namespace, SocketIoPacket.NO_ACK).toString();
  }

  /** EVENT or BINARY_EVENT, depending on whether any argument holds binary data. */
  static Encoded encodeEvent(String namespace, long ackId, String event, Object[] args) {
    List<Object> values = new ArrayList<>(args.length + 1);
    values.add(event);
    values.addAll(Arrays.asList(args));
    return encodeArray(Type.EVENT, namespace, ackId, values);
  }

  /** ACK or BINARY_ACK, depending on whether any argument holds binary data. */
  static Encoded encodeAck(String namespace, long ackId, Object[] args) {
    return encodeArray(Type.ACK, namespace, ackId, Arrays.asList(args));
  }

  /**
   * The hot path for token streams: appends an EVENT whose single argument is the JSON {@code json}
   * writes, spliced in without parsing, to {@code out} (which may already hold the Engine.IO type, so
   * the whole frame is one String). The caller guarantees that JSON is one valid value without binary;
   * when {@code json} writes nothing, the event has no argument.
   */
  static void appendRawEvent(StringBuilder out, String namespace, String event, Consumer<StringBuilder> json) {
    appendRawEvent(out, namespace, event, json, null);
  }

  /**
   * Like {@link #appendRawEvent(StringBuilder, String, String, Consumer)}, with {@code offset} (when not
   * null) as the last argument: how connection state recovery tells the client which packet it got.
   */
  static void appendRawEvent(
      StringBuilder out, String namespace, String event, Consumer<StringBuilder> json, String offset) {
    appendHeader(out, Type.EVENT, 0, namespace, SocketIoPacket.NO_ACK).append('[');
    appendQuoted(out, event);
    int comma = out.length();
    json.accept(out.append(','));
    if (out.length() == comma + 1) {
      out.setLength(comma);
    }
    if (offset != null) {
      appendQuoted(out.append(','), offset);
    }
    out.append(']');
  }

  private static Encoded encodeArray(Type type, String namespace, long ackId, List<Object> values) {
    if (!hasBinary(values)) {
      JsonArray array = new JsonArray(new ArrayList<>(values));
      return new Encoded(
          header(type, 0, namespace, ackId).append(array.encode()).toString(), List.of());
    }
    List<Buffer> attachments = new ArrayList<>();
    Object array = deconstruct(values, attachments);
    Type binaryType = type == Type.EVENT ? Type.BINARY_EVENT : Type.BINARY_ACK;
    String text =
        header(binaryType, attachments.size(), namespace, ackId)
            .append(((JsonArray) array).encode())
            .toString();
    return new Encoded(text, attachments);
  }

  private static StringBuilder header(Type type, int attachments, String namespace, long ackId) {
    return appendHeader(new StringBuilder(64), type, attachments, namespace, ackId);
  }

  private static StringBuilder appendHeader(
      StringBuilder sb, Type type, int attachments, String namespace, long ackId) {
    sb.append(type.code());
    if (type.isBinary()) {
      sb.append(attachments).append('-');
    }
    if (!"/".equals(namespace)) {
      sb.append(namespace).append(',');
    }
    if (ackId >= 0) {
      sb.append(ackId);
    }
    return sb;
  }

  private static boolean hasBinary(Object value) {
    if (value instanceof Buffer || value instanceof byte[]) {
      return true;
    }
    if (value instanceof JsonObject o) {
      return hasBinary(o.getMap().values());
    }
    if (value instanceof JsonArray a) {
      return hasBinary(a.getList());
    }
    if (value instanceof Map<?, ?> m) {
      return hasBinary(m.values());
    }
    if (value instanceof Iterable<?> items) {
      for (Object item : items) {
        if (hasBinary(item)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Copies containers that hold binary, replacing each binary value by a numbered placeholder. */
  private static Object deconstruct(Object value, List<Buffer> attachments) {
    if (value instanceof Buffer || value instanceof byte[]) {
      attachments.add(value instanceof Buffer b ? b : Buffer.buffer((byte[]) value));
      return new JsonObject().put("_placeholder", true).put("num", attachments.size() - 1);
    }
    if (value instanceof JsonObject o) {
      return deconstructMap(o.getMap(), attachments);
    }
    if (value instanceof Map<?, ?> m) {
      return deconstructMap(m, attachments);
    }
    if (value instanceof JsonArray a) {
      return deconstructList(a.getList(), attachments);
    }
    if (value instanceof List<?> l) {
      return deconstructList(l, attachments);
    }
    return value;
  }

  private static JsonObject deconstructMap(Map<?, ?> map, List<Buffer> attachments) {
    JsonObject copy = new JsonObject();
    map.forEach((k, v) -> copy.put(String.valueOf(k), deconstruct(v, attachments)));
    return copy;
  }

  private static JsonArray deconstructList(List<?> list, List<Buffer> attachments) {
    JsonArray copy = new JsonArray();
    list.forEach(v -> copy.add(deconstruct(v, attachments)));
    return copy;
  }

  /** Appends {@code s} as a JSON string literal. */
  static void appendQuoted(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  // ---- decoding ----

  /**
   * Decodes one text packet. A BINARY_* packet comes back with its placeholders still in place;
   * pass it to {@link #reconstruct} once its attachments have arrived.
   */
  static SocketIoPacket decode(String s) throws MalformedPacketException {
    if (s.isEmpty()) {
      throw new MalformedPacketException("empty Socket.IO packet");
    }
    Type type = Type.ofCode(s.charAt(0));
    int i = 1;
    int attachments = 0;
    if (type.isBinary()) {
      int dash = s.indexOf('-', i);
      if (dash < 0 || !isDigits(s, i, dash) || dash - i > MAX_ATTACHMENTS_DIGITS) {
        throw new MalformedPacketException(
            "binary packet: attachment count (expected: digits then '-')");
      }
      attachments = Integer.parseInt(s.substring(i, dash));
      if (attachments > MAX_ATTACHMENTS) {
        throw new MalformedPacketException(
            "binary packet: " + attachments + " attachments (expected: at most " + MAX_ATTACHMENTS + ")");
      }
      i = dash + 1;
    }
    String namespace = "/";
    if (i < s.length() && s.charAt(i) == '/') {
      int comma = s.indexOf(',', i);
      int end = comma < 0 ? s.length() : comma;
      namespace = s.substring(i, end);
      i = comma < 0 ? end : comma + 1;
    }
    int digitsStart = i;
    while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
      i++;
    }
    long ackId = SocketIoPacket.NO_ACK;
    if (i > digitsStart) {
      if (i - digitsStart > MAX_ACK_ID_DIGITS) {
        throw new MalformedPacketException("ack id: too long (expected: at most 15 digits)");
      }
      ackId = Long.parseLong(s.substring(digitsStart, i));
    }
    Object data = i < s.length() ? parseJson(s.substring(i)) : null;
    validate(type, ackId, data);
    return new SocketIoPacket(type, namespace, ackId, data, attachments);
  }

  private static boolean isDigits(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static Object parseJson(String json) throws MalformedPacketException {
    try {
      return Json.decodeValue(json);
    } catch (DecodeException e) {
      throw new MalformedPacketException("payload: invalid JSON");
    }
  }

  private static void validate(Type type, long ackId, Object data) throws MalformedPacketException {
    boolean valid =
        switch (type) {
          case CONNECT -> data == null || data instanceof JsonObject;
          case DISCONNECT -> data == null;
          case CONNECT_ERROR -> data instanceof String || data instanceof JsonObject;
          case EVENT, BINARY_EVENT -> data instanceof JsonArray a && isEventName(a);
          case ACK, BINARY_ACK -> data instanceof JsonArray && ackId >= 0;
        };
    if (!valid) {
      throw new MalformedPacketException(type + ": invalid payload " + describe(data));
    }
  }

  private static boolean isEventName(JsonArray array) {
    return !array.isEmpty()
        && array.getValue(0) instanceof String name
        && !RESERVED_EVENTS.contains(name);
  }

  private static String describe(Object data) {
    if (data == null) {
      return "(none)";
    }
    String s = String.valueOf(data);
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /**
   * Replaces the placeholders of a decoded BINARY_* packet by its attachments. Works on the raw
   * maps and lists under the Vert.x wrappers because {@code JsonObject.getValue} turns a Buffer
   * into base64 text; {@code getBuffer} still reads the raw Buffer back.
   */
  static SocketIoPacket reconstruct(SocketIoPacket packet, List<Buffer> attachments)
      throws MalformedPacketException {
    if (attachments.size() != packet.attachments()) {
      throw new IllegalArgumentException(
          "attachments: " + attachments.size() + " (expected: " + packet.attachments() + ")");
    }
    fillList(((JsonArray) packet.data()).getList(), attachments);
    return packet;
  }

  @SuppressWarnings("unchecked")
  private static void fillList(List<Object> list, List<Buffer> attachments)
      throws MalformedPacketException {
    for (int i = 0; i < list.size(); i++) {
      Object value = list.get(i);
      Object filled = fill(value, attachments);
      if (filled != value) {
        list.set(i, filled);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Object fill(Object value, List<Buffer> attachments)
      throws MalformedPacketException {
    if (value instanceof JsonArray a) {
      fillList(a.getList(), attachments);
    } else if (value instanceof List<?> l) {
      fillList((List<Object>) l, attachments);
    } else if (value instanceof JsonObject o) {
      return fillMap(o.getMap(), value, attachments);
    } else if (value instanceof Map<?, ?> m) {
      return fillMap((Map<String, Object>) m, value, attachments);
    }
    return value;
  }

  private static Object fillMap(Map<String, Object> map, Object self, List<Buffer> attachments)
      throws MalformedPacketException {
    if (Boolean.TRUE.equals(map.get("_placeholder"))) {
      return attachment(map.get("num"), attachments);
    }
    for (Map.Entry<String, Object> e : map.entrySet()) {
      Object filled = fill(e.getValue(), attachments);
      if (filled != e.getValue()) {
        e.setValue(filled);
      }
    }
    return self;
  }

  private static Buffer attachment(Object num, List<Buffer> attachments)
      throws MalformedPacketException {
    if (num instanceof Integer n && n >= 0 && n < attachments.size()) {
      return attachments.get(n);
    }
    throw new MalformedPacketException(
        "placeholder num: " + num + " (expected: 0.." + (attachments.size() - 1) + ")");
  }

  /** The values of a decoded array from {@code from} on, as the public API hands them out. */
  static List<Object> values(JsonArray array, int from) {
    List<Object> raw = array.getList();
    List<Object> values = new ArrayList<>(Math.max(0, raw.size() - from));
    for (int i = from; i < raw.size(); i++) {
      values.add(wrap(raw.get(i)));
    }
    return values;
  }

  /** Like {@code JsonArray.getValue} but keeps Buffers (which getValue would turn into base64). */
  @SuppressWarnings("unchecked")
  private static Object wrap(Object raw) {
    if (raw instanceof Map<?, ?> m) {
      return new JsonObject((Map<String, Object>) m);
    }
    if (raw instanceof List<?> l) {
      return new JsonArray((List<Object>) l);
    }
    return raw;
  }
}
