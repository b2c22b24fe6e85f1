package io.llmgate.provider.ndjson;

import io.llmgate.provider.frame.FrameDecoder;
import io.llmgate.provider.frame.PendingLine;
import io.llmgate.provider.sse.SseDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * JSON lines (NDJSON, jsonlines.org), as Ollama's native API streams: one JSON value per line, each line
 * ending in LF (a CR before it is dropped, so CRLF works too); blank lines are skipped. A line wholly
 * inside one read is lent where it lies; one cut across reads is gathered first, so a character split
 * between network reads survives. No HTTP in it, no JSON parsing either: the provider's decoder reads
 * each line. One instance per stream; not thread-safe.
 *
 * <p>A last line without its LF is not dispatched (the body may have been cut inside it): {@link #end()}
 * reports it as a discarded frame with its text, and the provider decides what it means.
 */
public final class JsonLinesDecoder implements FrameDecoder {
  private static final int MAX_UNFRAMED_BYTES = 64 << 10;
  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final Consumer<JsonLine> sink;
  private final PendingLine line;

  /** Lines up to SSE's limit: both are an upstream's lines of JSON. */
  public JsonLinesDecoder(Consumer<JsonLine> sink) {
    this(sink, SseDecoder.DEFAULT_MAX_LINE_BYTES);
  }

  public JsonLinesDecoder(Consumer<JsonLine> sink, int maxLineBytes) {
    this.sink = sink;
    this.line = new PendingLine("JSON line", maxLineBytes);
  }

  @Override
  public void feed(byte[] bytes, int offset, int length) {
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (bytes[i] != LF) {
        continue;
      }
      if (line.length() == 0) {
        line.check(i - start); // the same limit whether or not the line was cut between reads
        dispatch(bytes, start, i);
      } else {
        line.append(bytes, start, i - start);
        dispatch(line.bytes(), 0, line.take());
      }
      start = i + 1;
    }
    line.append(bytes, start, end - start);
  }

  @Override
  public Tail end() {
    int pending = line.take();
    if (isBlank(line.bytes(), 0, pending)) {
      return new Tail("", false);
    }
    return new Tail(new String(line.bytes(), 0, Math.min(pending, MAX_UNFRAMED_BYTES), StandardCharsets.UTF_8), true);
  }

  private void dispatch(byte[] bytes, int from, int to) {
    int end = to > from && bytes[to - 1] == CR ? to - 1 : to;
    if (!isBlank(bytes, from, end)) {
      sink.accept(new JsonLine(bytes, from, end - from));
    }
  }

  /** Only JSON's whitespace: a line of it holds no value. */
  private static boolean isBlank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != CR) {
        return false;
      }
    }
    return true;
  }
}
