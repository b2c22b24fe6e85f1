package io.llmgate.provider.local;

/**
 * The seven int32 header fields of a llama2.c legacy ("v0") checkpoint. A negative vocabulary size in
 * the file means the classifier is stored separately after the other tensors; here that becomes a
 * positive {@code vocabSize} and {@code sharedClassifier == false}.
 */
record Llama2Config(
    int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocabSize, int seqLen,
    boolean sharedClassifier) {

  Llama2Config {
    positive("dim", dim);
    positive("hidden_dim", hiddenDim);
    positive("n_layers", nLayers);
    positive("n_heads", nHeads);
    positive("n_kv_heads", nKvHeads);
    positive("vocab_size", vocabSize);
    positive("seq_len", seqLen);
    if (dim % nHeads != 0 || (dim / nHeads) % 2 != 0) {
      throw new ModelLoadException("checkpoint dim: " + dim + " with n_heads: " + nHeads
          + " (expected: dim divisible by n_heads into an even head size)");
    }
    if (nHeads % nKvHeads != 0) {
      throw new ModelLoadException("checkpoint n_kv_heads: " + nKvHeads
          + " (expected: a divisor of n_heads " + nHeads + ")");
    }
  }

  /** Reads the header as llama2.c writes it, where a negative vocab_size flags an unshared classifier. */
  static Llama2Config fromHeader(int[] header) {
    return new Llama2Config(header[0], header[1], header[2], header[3], header[4],
        Math.abs(header[5]), header[6], header[5] > 0);
  }

  int headSize() {
    return dim / nHeads;
  }

  int kvDim() {
    return dim * nKvHeads / nHeads;
  }

  /**
   * How many float values follow the header, in run.c's order: token embedding, per-layer tensors,
   * final norm, the two RoPE tables that v0 still reserves (seq_len * head_size / 2 each, unused),
   * and the classifier when it is not shared.
   */
  long valueCount() {
    long d = dim;
    long perLayer = 2 * d + d * d * 2 + d * kvDim() * 2L + 3 * d * hiddenDim;
    long ropeTables = (long) seqLen * headSize();
    long classifier = sharedClassifier ? 0 : (long) vocabSize * d;
    return (long) vocabSize * d + nLayers * perLayer + d + ropeTables + classifier;
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new ModelLoadException("checkpoint " + field + ": " + value + " (expected: > 0)");
    }
  }
}
