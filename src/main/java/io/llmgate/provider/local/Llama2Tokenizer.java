package io.llmgate.provider.local;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The BPE vocabulary of a llama2.c {@code tokenizer.bin}: int32 max_token_length, then per token a
 * float32 merge score, an int32 byte length and the piece's bytes (little-endian). Encoding and
 * decoding follow llama2.c's run.c, so its tokenizers work here unchanged.
 */
final class Llama2Tokenizer {
  static final int BOS = 1;
  static final int EOS = 2;
  /** llama2.c's byte fallback: byte b is token b + 3, piece "<0xNN>" (or the character itself). */
  private static final int BYTE_OFFSET = 3;

  private final byte[][] pieces;
  private final float[] scores;
  private final int maxTokenLength;
  // Pieces as ISO-8859-1 strings: one char per byte, so concatenation and lookup are byte-exact.
  private final Map<String, Integer> ids;

  private Llama2Tokenizer(byte[][] pieces, float[] scores, int maxTokenLength) {
    this.pieces = pieces;
    this.scores = scores;
    this.maxTokenLength = maxTokenLength;
    this.ids = new HashMap<>();
    for (int i = 0; i < pieces.length; i++) {
      ids.putIfAbsent(new String(pieces[i], StandardCharsets.ISO_8859_1), i);
    }
  }

  static Llama2Tokenizer readFile(Path path, int vocabSize) {
    try {
      return read(ByteBuffer.wrap(Files.readAllBytes(path)), vocabSize, path.toString());
    } catch (IOException e) {
      throw new ModelLoadException("tokenizer " + path + ": cannot read (" + e + ")", e);
    }
  }

  /** Reads {@code vocabSize} tokens: the size comes from the checkpoint, as in run.c. */
  static Llama2Tokenizer read(ByteBuffer bytes, int vocabSize, String source) {
    ByteBuffer buffer = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    byte[][] pieces = new byte[vocabSize][];
    float[] scores = new float[vocabSize];
    try {
      int maxTokenLength = buffer.getInt();
      for (int i = 0; i < vocabSize; i++) {
        scores[i] = buffer.getFloat();
        int length = buffer.getInt();
        if (length < 0 || length > maxTokenLength) {
          throw new ModelLoadException("tokenizer " + source + ": token " + i + " length " + length
              + " (expected: 0.." + maxTokenLength + ")");
        }
        pieces[i] = new byte[length];
        buffer.get(pieces[i]);
      }
      if (buffer.hasRemaining()) {
        throw new ModelLoadException("tokenizer " + source + ": " + buffer.remaining()
            + " bytes after token " + (vocabSize - 1) + " (expected: none; vocab_size " + vocabSize
            + " from the checkpoint)");
      }
      return new Llama2Tokenizer(pieces, scores, maxTokenLength);
    } catch (BufferUnderflowException e) {
      throw new ModelLoadException("tokenizer " + source + ": truncated at byte "
          + buffer.position() + " (expected: " + vocabSize + " tokens)", e);
    }
  }

  int vocabSize() {
    return pieces.length;
  }

  int maxTokenLength() {
    return maxTokenLength;
  }

  /**
   * llama2.c's encode: an optional BOS, a dummy-prefix space (as SentencePiece adds) when the text is
   * not empty, one token per UTF-8 code point (or one per byte when the code point is not a piece),
   * then repeatedly merge the adjacent pair whose concatenation is a piece with the best score.
   */
  int[] encode(String text, boolean bos) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    int[] tokens = new int[utf8.length + 2];
    int n = 0;
    if (bos) {
      tokens[n++] = BOS;
    }
    Integer space = ids.get(" ");
    if (utf8.length > 0 && space != null) {
      tokens[n++] = space;
    }
    for (int start = 0; start < utf8.length; ) {
      int end = start + 1;
      while (end < utf8.length && end - start < 4 && (utf8[end] & 0xC0) == 0x80) {
        end++;
      }
      Integer id = ids.get(new String(utf8, start, end - start, StandardCharsets.ISO_8859_1));
      if (id != null) {
        tokens[n++] = id;
      } else {
        for (int i = start; i < end; i++) {
          tokens[n++] = (utf8[i] & 0xff) + BYTE_OFFSET;
        }
      }
      start = end;
    }
    return mergePairs(tokens, n);
  }

  private int[] mergePairs(int[] tokens, int n) {
    // merged[i]: the piece that tokens[i] + tokens[i + 1] would become, or -1
    int[] merged = new int[Math.max(n - 1, 0)];
    for (int i = 0; i + 1 < n; i++) {
      merged[i] = pairId(tokens[i], tokens[i + 1]);
    }
    while (true) {
      int best = -1;
      for (int i = 0; i + 1 < n; i++) {
        if (merged[i] >= 0 && (best < 0 || scores[merged[i]] > scores[merged[best]])) {
          best = i;
        }
      }
      if (best < 0) {
        return Arrays.copyOf(tokens, n);
      }
      tokens[best] = merged[best];
      System.arraycopy(tokens, best + 2, tokens, best + 1, n - best - 2);
      System.arraycopy(merged, best + 1, merged, best, n - best - 2);
      n--;
      if (best > 0) {
        merged[best - 1] = pairId(tokens[best - 1], tokens[best]);
      }
      if (best + 1 < n) {
        merged[best] = pairId(tokens[best], tokens[best + 1]);
      }
    }
  }

  private int pairId(int left, int right) {
    byte[] a = pieces[left];
    byte[] b = pieces[right];
    if (a.length + b.length > maxTokenLength) {
      return -1;
    }
    String joined = new String(a, StandardCharsets.ISO_8859_1) + new String(b, StandardCharsets.ISO_8859_1);
    return ids.getOrDefault(joined, -1);
  }

  /**
   * The bytes {@code token} stands for after {@code previous}: "<0xNN>" pieces are raw bytes, and the
   * leading space of the first piece after BOS is dropped (it is SentencePiece's dummy prefix).
   * The array may be the tokenizer's own: read it, never write it.
   */
  byte[] decode(int previous, int token) {
    byte[] piece = pieces[token];
    if (previous == BOS && piece.length > 0 && piece[0] == ' ') {
      return Arrays.copyOfRange(piece, 1, piece.length);
    }
    int rawByte = rawByte(piece);
    return rawByte >= 0 ? new byte[] {(byte) rawByte} : piece;
  }

  private static int rawByte(byte[] piece) {
    if (piece.length != 6 || piece[0] != '<' || piece[1] != '0' || piece[2] != 'x' || piece[5] != '>') {
      return -1;
    }
    int high = Character.digit(piece[3], 16);
    int low = Character.digit(piece[4], 16);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
  }
}
