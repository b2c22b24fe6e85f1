package io.llmgate.provider.local;

import java.util.Arrays;
import java.util.List;

/**
 * A llama2.c-architecture transformer (RMSNorm, RoPE, multi-head attention with a key/value cache,
 * SwiGLU feed-forward) with its weights in memory. The forward pass follows llama2.c's run.c step for
 * step, so any llama2.c checkpoint gives the same logits here as there.
 *
 * <p>Immutable after loading, so one instance serves every stream; each stream brings its own
 * {@link ForwardState}.
 */
final class Llama2Model {
  private static final float RMS_EPSILON = 1e-5f;

  private final Llama2Config config;
  private final float[] tokenEmbedding;
  private final List<LayerWeights> layers;
  private final float[] finalNorm;
  private final float[] classifier;
  private final float[] ropeCos;
  private final float[] ropeSin;

  Llama2Model(Llama2Config config, float[] tokenEmbedding, List<LayerWeights> layers,
      float[] finalNorm, float[] classifier) {
    this.config = config;
    this.tokenEmbedding = tokenEmbedding;
    this.layers = List.copyOf(layers);
    this.finalNorm = finalNorm;
    this.classifier = classifier;
    int half = config.headSize() / 2;
    ropeCos = new float[config.seqLen() * half];
    ropeSin = new float[config.seqLen() * half];
    for (int pos = 0; pos < config.seqLen(); pos++) {
      for (int i = 0; i < half; i++) {
        // run.c: freq = 1 / 10000^(head_dim / head_size), with head_dim = 2i
        float frequency = (float) (1.0 / Math.pow(10000.0, (2 * i) / (float) config.headSize()));
        float angle = pos * frequency;
        ropeCos[pos * half + i] = (float) Math.cos(angle);
        ropeSin[pos * half + i] = (float) Math.sin(angle);
      }
    }
  }

  Llama2Config config() {
    return config;
  }

  /** Feeds {@code token} at position {@code pos} and returns the next-token logits (in {@code s}). */
  float[] forward(ForwardState s, int token, int pos) {
    int dim = config.dim();
    System.arraycopy(tokenEmbedding, token * dim, s.x, 0, dim);
    for (int l = 0; l < layers.size(); l++) {
      LayerWeights layer = layers.get(l);
      rmsNorm(s.xb, s.x, layer.attentionNorm());
      attention(s, layer, l, pos);
      MatMul.apply(s.xb2, layer.wo(), s.xb, dim, dim);
      add(s.x, s.xb2);
      rmsNorm(s.xb, s.x, layer.ffnNorm());
      feedForward(s, layer);
      add(s.x, s.xb);
    }
    rmsNorm(s.x, s.x, finalNorm);
    MatMul.apply(s.logits, classifier, s.x, config.vocabSize(), dim);
    return s.logits;
  }

  private void attention(ForwardState s, LayerWeights layer, int l, int pos) {
    int dim = config.dim();
    int kvDim = config.kvDim();
    int headSize = config.headSize();
    float[] keys = s.keyCache[l];
    float[] values = s.valueCache[l];
    int offset = pos * kvDim;
    MatMul.apply(s.q, layer.wq(), s.xb, dim, dim);
    MatMul.apply(keys, offset, layer.wk(), s.xb, kvDim, dim);
    MatMul.apply(values, offset, layer.wv(), s.xb, kvDim, dim);
    rotate(s.q, 0, dim, pos);
    rotate(keys, offset, kvDim, pos);
    int kvPerHead = config.nHeads() / config.nKvHeads();
    float scale = (float) (1.0 / Math.sqrt(headSize));
    for (int h = 0; h < config.nHeads(); h++) {
      int qOffset = h * headSize;
      int kvHeadOffset = (h / kvPerHead) * headSize;
      for (int t = 0; t <= pos; t++) {
        s.attention[t] = dot(s.q, qOffset, keys, t * kvDim + kvHeadOffset, headSize) * scale;
      }
      softmax(s.attention, pos + 1);
      Arrays.fill(s.xb, qOffset, qOffset + headSize, 0f);
      for (int t = 0; t <= pos; t++) {
        float a = s.attention[t];
        int v = t * kvDim + kvHeadOffset;
        for (int i = 0; i < headSize; i++) {
          s.xb[qOffset + i] += a * values[v + i];
        }
      }
    }
  }

  /** RoPE on adjacent pairs (v[i], v[i+1]), each head rotated by the same angles, as run.c does. */
  private void rotate(float[] v, int offset, int length, int pos) {
    int half = config.headSize() / 2;
    for (int i = 0; i < length; i += 2) {
      int table = pos * half + (i % config.headSize()) / 2;
      float cos = ropeCos[table];
      float sin = ropeSin[table];
      float v0 = v[offset + i];
      float v1 = v[offset + i + 1];
      v[offset + i] = v0 * cos - v1 * sin;
      v[offset + i + 1] = v0 * sin + v1 * cos;
    }
  }

  /** SwiGLU: w2(silu(w1 x) * w3 x), written into {@code s.xb}. */
  private void feedForward(ForwardState s, LayerWeights layer) {
    int dim = config.dim();
    int hidden = config.hiddenDim();
    MatMul.apply(s.hb, layer.w1(), s.xb, hidden, dim);
    MatMul.apply(s.hb2, layer.w3(), s.xb, hidden, dim);
    for (int i = 0; i < hidden; i++) {
      float gate = s.hb[i];
      s.hb[i] = gate / (1f + (float) Math.exp(-gate)) * s.hb2[i];
    }
    MatMul.apply(s.xb, layer.w2(), s.hb, dim, hidden);
  }

  private static void rmsNorm(float[] out, float[] x, float[] weight) {
    float sumOfSquares = 0f;
    for (float v : x) {
      sumOfSquares += v * v;
    }
    float scale = (float) (1.0 / Math.sqrt(sumOfSquares / x.length + RMS_EPSILON));
    for (int i = 0; i < x.length; i++) {
      out[i] = weight[i] * (scale * x[i]);
    }
  }

  static void softmax(float[] x, int size) {
    float max = x[0];
    for (int i = 1; i < size; i++) {
      max = Math.max(max, x[i]);
    }
    float sum = 0f;
    for (int i = 0; i < size; i++) {
      x[i] = (float) Math.exp(x[i] - max);
      sum += x[i];
    }
    for (int i = 0; i < size; i++) {
      x[i] /= sum;
    }
  }

  private static void add(float[] x, float[] delta) {
    for (int i = 0; i < x.length; i++) {
      x[i] += delta[i];
    }
  }

  private static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
    float sum = 0f;
    for (int i = 0; i < length; i++) {
      sum += a[aOffset + i] * b[bOffset + i];
    }
    return sum;
  }
}
