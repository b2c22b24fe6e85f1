package io.llmgate.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A client-side Server-Sent Events parser for tests, fed bytes as they arrive: collects {@code event},
 * {@code id} and {@code data} lines into frames, reports comment lines separately.
 */
public final class SseReader {
  /** One dispatched event; {@code event} is empty for data-only frames, {@code id} null without one. */
  public record Frame(String event, String id, String data) {}

  private final Consumer<Frame> frames;
  private final Consumer<String> comments;
  private final StringBuilder pending = new StringBuilder();
  private final java.io.ByteArrayOutputStream undecoded = new java.io.ByteArrayOutputStream();
  private String event = "";
  private String id;
  private final List<String> data = new ArrayList<>();

  public SseReader(Consumer<Frame> frames, Consumer<String> comments) {
    this.frames = frames;
    this.comments = comments;
  }

  /**
   * Bytes as they arrived. Only complete lines are decoded: a line break is one byte in UTF-8 and never
   * part of a multi-byte character, so a character split between two chunks is decoded whole.
   */
  public void feed(byte[] bytes) {
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        undecoded.write(bytes, start, i + 1 - start);
        feed(undecoded.toString(java.nio.charset.StandardCharsets.UTF_8));
        undecoded.reset();
        start = i + 1;
      }
    }
    undecoded.write(bytes, start, bytes.length - start);
  }

  public void feed(String text) {
    pending.append(text);
    int newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      String line = pending.substring(0, newline);
      pending.delete(0, newline + 1);
      line(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
  }

  private void line(String line) {
    if (line.isEmpty()) {
      if (!data.isEmpty()) {
        frames.accept(new Frame(event, id, String.join("\n", data)));
      }
      event = "";
      id = null;
      data.clear();
      return;
    }
    if (line.startsWith(":")) {
      comments.accept(line.substring(1).trim());
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
    switch (field) {
      case "event" -> event = value;
      case "id" -> id = value;
      case "data" -> data.add(value);
      default -> { }
    }
  }
}
