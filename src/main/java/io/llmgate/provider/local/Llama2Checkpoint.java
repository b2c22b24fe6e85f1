package io.llmgate.provider.local;

import io.llmgate.provider.local.TensorReader.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads llama2.c legacy ("v0", export.py {@code --version 0}) checkpoints: a header of seven
 * little-endian int32 ({@link Llama2Config}), then every tensor in run.c's order. The values are
 * float32, as llama2.c writes them, or IEEE-754 binary16 in the same layout, which halves the bundled
 * model; the file size tells which, so no extra header field is needed.
 */
final class Llama2Checkpoint {
  static final int HEADER_BYTES = 7 * Integer.BYTES;
  /** "ak42": llama2.c's version 1 and 2 exports start with this magic instead of a v0 header. */
  private static final int VERSIONED_EXPORT_MAGIC = 0x616b3432;

  private Llama2Checkpoint() {}

  static Llama2Model readFile(Path path) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        throw new ModelLoadException("checkpoint " + path + ": " + channel.size()
            + " bytes (expected: < 2 GiB)");
      }
      return read(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()), path.toString());
    } catch (IOException e) {
      throw new ModelLoadException("checkpoint " + path + ": cannot read (" + e + ")", e);
    }
  }

  static Llama2Model read(ByteBuffer bytes, String source) {
    ByteBuffer buffer = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (buffer.remaining() < HEADER_BYTES) {
      throw new ModelLoadException("checkpoint " + source + ": " + buffer.remaining()
          + " bytes (expected: at least the " + HEADER_BYTES + "-byte header)");
    }
    int[] header = new int[7];
    buffer.asIntBuffer().get(header);
    buffer.position(HEADER_BYTES);
    if (header[0] == VERSIONED_EXPORT_MAGIC) {
      throw new ModelLoadException("checkpoint " + source
          + ": llama2.c version 1/2 export (expected: legacy v0 export, export.py --version 0)");
    }
    Llama2Config config = Llama2Config.fromHeader(header);
    return readTensors(config, new TensorReader(buffer, precision(config, buffer.remaining(), source)));
  }

  private static Precision precision(Llama2Config config, long payloadBytes, String source) {
    long values = config.valueCount();
    for (Precision precision : Precision.values()) {
      if (payloadBytes == values * precision.bytes) {
        return precision;
      }
    }
    throw new ModelLoadException("checkpoint " + source + ": " + payloadBytes
        + " bytes after the header (expected: " + values * 4 + " for float32 or " + values * 2
        + " for float16, from " + config + "); truncated or not a llama2.c v0 checkpoint");
  }

  private static Llama2Model readTensors(Llama2Config c, TensorReader reader) {
    long dim = c.dim();
    float[] embedding = reader.next(c.vocabSize() * dim);
    float[][] attentionNorm = perLayer(reader, c, dim);
    float[][] wq = perLayer(reader, c, dim * dim);
    float[][] wk = perLayer(reader, c, dim * c.kvDim());
    float[][] wv = perLayer(reader, c, dim * c.kvDim());
    float[][] wo = perLayer(reader, c, dim * dim);
    float[][] ffnNorm = perLayer(reader, c, dim);
    float[][] w1 = perLayer(reader, c, dim * c.hiddenDim());
    float[][] w2 = perLayer(reader, c, dim * c.hiddenDim());
    float[][] w3 = perLayer(reader, c, dim * c.hiddenDim());
    float[] finalNorm = reader.next(dim);
    reader.skip((long) c.seqLen() * c.headSize()); // v0's RoPE tables; computed, as run.c does
    float[] classifier = c.sharedClassifier() ? embedding : reader.next(c.vocabSize() * dim);
    List<LayerWeights> layers = new ArrayList<>();
    for (int l = 0; l < c.nLayers(); l++) {
      layers.add(new LayerWeights(attentionNorm[l], wq[l], wk[l], wv[l], wo[l], ffnNorm[l],
          w1[l], w2[l], w3[l]));
    }
    return new Llama2Model(c, embedding, layers, finalNorm, classifier);
  }

  private static float[][] perLayer(TensorReader reader, Llama2Config c, long size) {
    float[][] tensors = new float[c.nLayers()][];
    for (int l = 0; l < c.nLayers(); l++) {
      tensors[l] = reader.next(size);
    }
    return tensors;
  }
}
