package io.llmgate.provider.ndjson;

import io.llmgate.provider.frame.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * One line of a JSON-lines body, without its line break: lent, like every {@link Frame}, from the
 * decoder's buffer or the network read it lies in, and valid only while the sink runs.
 */
public final class JsonLine implements Frame {
  private final byte[] array;
  private final int offset;
  private final int length;

  JsonLine(byte[] array, int offset, int length) {
    this.array = array;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public byte[] dataArray() {
    return array;
  }

  @Override
  public int dataOffset() {
    return offset;
  }

  @Override
  public int dataLength() {
    return length;
  }

  @Override
  public boolean dataIsUtf8() {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(array, offset, length));
      return true;
    } catch (CharacterCodingException malformed) {
      return false;
    }
  }

  @Override
  public String data() {
    return new String(array, offset, length, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return data();
  }
}
