package io.llmgate.provider.frame;

/**
 * One frame's payload as its decoder lends it: {@link #dataLength()} UTF-8 bytes of {@link #dataArray()}
 * from {@link #dataOffset()}, valid only while the frame's sink runs (the next frame may reuse the array),
 * so a parser reads the bytes as they came, without a String per frame. Read it there; never keep or
 * modify it.
 */
public interface Frame {
  byte[] dataArray();

  int dataOffset();

  int dataLength();

  /** Whether the data is well-formed UTF-8, so that a parser may read the bytes as they are. */
  boolean dataIsUtf8();

  /** The data decoded; a new String on each call, for error messages and the rare frame read as text. */
  String data();
}
