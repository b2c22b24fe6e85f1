package io.llmgate.provider.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.ObjectReader;
import io.llmgate.error.UpstreamErrors;
import io.llmgate.provider.frame.Frame;
import java.io.IOException;

/**
 * Reads one stream's JSON frames into {@code T}. One instance per stream, used on its context only.
 *
 * <p>Setting up a Jackson parser (its contexts, symbol table, buffers) costs about 1 KB, more than all
 * the rest of relaying a token, so a stream keeps one non-blocking parser and feeds it each frame's UTF-8
 * bytes as the frame decoder lends them. That parser is only given what it reads exactly as parsing the
 * decoded text alone would (the rule before): one complete JSON object, in well-formed UTF-8, and nothing
 * after it. Anything else — no provider sends it — is parsed alone from its text, as before.
 *
 * <p>{@link #close()} at the stream's end hands the field names its parser met to the factory's shared
 * symbol table. A parser that is never closed keeps them to itself, so every stream's parser copied that
 * table and added the names again: 3.1 KB held per live stream and 5.9 KB allocated, against 0.3 KB held
 * once the shared table knows them (bench/README.md).
 */
public final class FrameReader<T> {
  private final String provider;
  private final Class<T> type;
  private final ObjectReader reader;
  private JsonParser parser; // null until needed, and after a frame it failed on

  public FrameReader(String provider, Class<T> type) {
    this.provider = provider;
    this.type = type;
    this.reader = Json.reader(type);
  }

  /** Parses one frame's data, or fails with a malformed-frame error naming the provider and the frame. */
  public T read(Frame frame) {
    byte[] data = frame.dataArray();
    int end = oneObjectEnd(data, frame.dataOffset(), frame.dataOffset() + frame.dataLength());
    if (end > 0 && frame.dataIsUtf8()) {
      T value = readFed(data, frame.dataOffset(), end);
      if (value != null) {
        return value;
      }
    }
    try {
      T value = reader.readValue(frame.data());
      if (value != null) {
        return value;
      }
    } catch (IOException e) {
      // malformed, below
    }
    // A frame of "null" reads as null: as malformed as any other frame that is not the provider's object.
    throw UpstreamErrors.malformed(provider, frame.data(), "JSON " + type.getSimpleName());
  }

  /** The value fed to the stream's parser; null when that parser failed, which is then replaced. */
  private T readFed(byte[] data, int from, int end) {
    try {
      if (parser == null) {
        parser = Json.nonBlockingParser();
      }
      ((ByteArrayFeeder) parser.getNonBlockingInputFeeder())
          .feedInput(data, from, end);
      T value = reader.readValue(parser);
      if (parser.getParsingContext().inRoot()
          && ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).needMoreInput()) {
        return value;
      }
    } catch (IOException e) {
      // parsed alone below, which gives the error the frame always gave
    }
    parser = null;
    return null;
  }

  /** The stream is over: its parser's names go to the shared table. Reading again opens a new parser. */
  public void close() {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException e) {
        // a parser fed from byte arrays has no input to close: nothing can fail here
      }
      parser = null;
    }
  }

  /**
   * Where the one JSON object that {@code data} holds ends (after its closing brace), or -1 when it holds
   * anything else. Hand-written because Jackson's non-blocking parser must never be fed a value cut short:
   * databind then loops forever waiting for the rest. Brackets only need counting, not matching: the
   * parser refuses a mismatch itself.
   */
  static int oneObjectEnd(byte[] data, int from, int end) {
    int to = end;
    while (to > from && isBlank(data[to - 1])) {
      to--;
    }
    int at = from;
    while (at < to && isBlank(data[at])) {
      at++;
    }
    if (at == to || data[at] != '{') {
      return -1;
    }
    int depth = 0;
    boolean inString = false;
    for (; at < to; at++) {
      byte b = data[at];
      if (inString) {
        if (b == '\\') {
          at++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        depth++;
      } else if ((b == '}' || b == ']') && --depth == 0) {
        return at == to - 1 ? to : -1;
      }
    }
    return -1;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
