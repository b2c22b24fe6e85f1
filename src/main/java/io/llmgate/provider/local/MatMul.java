package io.llmgate.provider.local;

/**
 * {@code out = W x} for a row-major {@code (rows, cols)} matrix. Four independent accumulators per
 * row: the JIT does not reorder float additions by itself, and one running sum would serialize every
 * multiply-add on its latency.
 */
final class MatMul {
  private MatMul() {}

  static void apply(float[] out, float[] w, float[] x, int rows, int cols) {
    apply(out, 0, w, x, rows, cols);
  }

  static void apply(float[] out, int outOffset, float[] w, float[] x, int rows, int cols) {
    int tail = cols & ~3;
    for (int r = 0; r < rows; r++) {
      int row = r * cols;
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      for (int c = 0; c < tail; c += 4) {
        s0 += w[row + c] * x[c];
        s1 += w[row + c + 1] * x[c + 1];
        s2 += w[row + c + 2] * x[c + 2];
        s3 += w[row + c + 3] * x[c + 3];
      }
      for (int c = tail; c < cols; c++) {
        s0 += w[row + c] * x[c];
      }
      out[outOffset + r] = (s0 + s1) + (s2 + s3);
    }
  }
}
