package io.llmgate.provider.sse;

import io.llmgate.provider.frame.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One dispatched server-sent event. {@code event} is empty when the stream sent no {@code event:} line
 * (OpenAI, DeepSeek and Gemini never do); the data joins the event's {@code data:} lines with {@code \n};
 * {@code id} is the last event id seen on the stream, empty when none.
 *
 * <p>The data is lent, not owned: it is the decoder's buffer, valid only while the sink runs (the next
 * event reuses it), the way {@code JsonParser.getTextCharacters()} lends Jackson's. That lets a provider
 * parse the UTF-8 bytes as they came, without a String per frame. Read it there; never keep or modify it.
 * The bytes are offered as an array region, so a provider needs no Netty type to read them.
 */
public final class SseEvent implements Frame {
  private final String event;
  private final ByteBuf data;
  private final String id;

  SseEvent(String event, ByteBuf data, String id) {
    this.event = Objects.requireNonNull(event, "event");
    this.data = Objects.requireNonNull(data, "data");
    this.id = Objects.requireNonNull(id, "id");
  }

  public String event() {
    return event;
  }

  /** The array holding the data's UTF-8 bytes: {@link #dataLength()} of them from {@link #dataOffset()}. */
  @Override
  public byte[] dataArray() {
    return data.array(); // a heap buffer, so it has one
  }

  @Override
  public int dataOffset() {
    return data.arrayOffset() + data.readerIndex();
  }

  @Override
  public int dataLength() {
    return data.readableBytes();
  }

  /** Whether the data is well-formed UTF-8, so that a parser may read the bytes as they are. */
  @Override
  public boolean dataIsUtf8() {
    return ByteBufUtil.isText(data, StandardCharsets.UTF_8);
  }

  /** The data decoded; a new String on each call, for error messages and the rare non-JSON frame. */
  @Override
  public String data() {
    return data.toString(StandardCharsets.UTF_8);
  }

  public boolean dataIsEmpty() {
    return !data.isReadable();
  }

  /** Whether the data starts with {@code prefix}, compared as bytes: ASCII prefixes only. */
  public boolean dataStartsWith(String prefix) {
    if (data.readableBytes() < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (data.getByte(data.readerIndex() + i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  public String id() {
    return id;
  }
}
