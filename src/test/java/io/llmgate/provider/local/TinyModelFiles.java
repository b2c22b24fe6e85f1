package io.llmgate.provider.local;

import io.llmgate.provider.local.TensorReader.Precision;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Writes small llama2.c v0 checkpoints and tokenizer.bin files, as llama2.c's export.py would. */
final class TinyModelFiles {
  /** The value of element {@code index} of {@code tensor} (index runs over all layers). */
  interface Fill {
    float value(String tensor, int index);
  }

  /** dim 16, 2 layers, 4 query heads sharing 2 key/value heads, separate classifier. */
  static final Llama2Config TINY = new Llama2Config(16, 24, 2, 4, 2, 259 + 3, 12, false);

  private TinyModelFiles() {}

  static Fill random(long seed) {
    Random random = new Random(seed);
    // multiples of 1/256 in [-0.5, 0.5]: exact in fp16 too, so both precisions load the same model
    return (tensor, index) -> tensor.endsWith("norm") ? 1f : (random.nextInt(257) - 128) / 256f;
  }

  /** Every token maps to the same vector and the classifier always prefers {@code favourite}. */
  static Fill constant(int favourite, int dim) {
    return (tensor, index) -> switch (tensor) {
      case "embedding", "attention_norm", "ffn_norm", "final_norm" -> 1f;
      case "classifier" -> index / dim == favourite ? 1f : 0f;
      default -> 0f;
    };
  }

  static byte[] checkpoint(Llama2Config c, Precision precision, Fill fill) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer header = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(c.dim()).putInt(c.hiddenDim()).putInt(c.nLayers()).putInt(c.nHeads())
        .putInt(c.nKvHeads()).putInt(c.sharedClassifier() ? c.vocabSize() : -c.vocabSize())
        .putInt(c.seqLen());
    out.writeBytes(header.array());
    int d = c.dim();
    int layers = c.nLayers();
    write(out, precision, fill, "embedding", c.vocabSize() * d);
    write(out, precision, fill, "attention_norm", layers * d);
    write(out, precision, fill, "wq", layers * d * d);
    write(out, precision, fill, "wk", layers * d * c.kvDim());
    write(out, precision, fill, "wv", layers * d * c.kvDim());
    write(out, precision, fill, "wo", layers * d * d);
    write(out, precision, fill, "ffn_norm", layers * d);
    for (String w : List.of("w1", "w2", "w3")) {
      write(out, precision, fill, w, layers * d * c.hiddenDim());
    }
    write(out, precision, fill, "final_norm", d);
    write(out, precision, (tensor, index) -> 0f, "rope_tables", c.seqLen() * c.headSize());
    if (!c.sharedClassifier()) {
      write(out, precision, fill, "classifier", c.vocabSize() * d);
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Precision precision, Fill fill, String tensor,
      int count) {
    ByteBuffer values = ByteBuffer.allocate(count * precision.bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      float v = fill.value(tensor, i);
      if (precision == Precision.FLOAT32) {
        values.putFloat(v);
      } else {
        values.putShort(exactHalf(v));
      }
    }
    out.writeBytes(values.array());
  }

  /** fp16 bits of a value that fp16 represents exactly (zero or normal); tests use no others. */
  static short exactHalf(float v) {
    if (v == 0f) {
      return 0;
    }
    int bits = Float.floatToIntBits(v);
    int exponent = ((bits >>> 23) & 0xff) - 112;
    if (exponent <= 0 || exponent >= 31 || (bits & 0x1fff) != 0) {
      throw new IllegalArgumentException("not exact in fp16: " + v);
    }
    return (short) (((bits >>> 16) & 0x8000) | (exponent << 10) | ((bits >>> 13) & 0x3ff));
  }

  /**
   * Byte tokens as in the bundled tokenizer (printable ASCII as itself, others "<0xNN>"), then
   * {@code merges} scored so that earlier ones win.
   */
  static byte[] tokenizer(String... merges) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int max = 6;
    for (String m : merges) {
      max = Math.max(max, m.getBytes(StandardCharsets.UTF_8).length);
    }
    out.writeBytes(ints(max));
    piece(out, 0f, "<unk>");
    piece(out, 0f, "<s>");
    piece(out, 0f, "</s>");
    for (int b = 0; b < 256; b++) {
      piece(out, 0f, b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("<0x%02X>", b));
    }
    for (int i = 0; i < merges.length; i++) {
      piece(out, -i, merges[i]);
    }
    return out.toByteArray();
  }

  private static void piece(ByteArrayOutputStream out, float score, String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(score).putInt(bytes.length);
    out.writeBytes(b.array());
    out.writeBytes(bytes);
  }

  private static byte[] ints(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }
}
