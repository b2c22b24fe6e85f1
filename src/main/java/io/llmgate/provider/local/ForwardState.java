package io.llmgate.provider.local;

/** One stream's scratch buffers and key/value cache for {@link Llama2Model#forward}; not shared. */
final class ForwardState {
  final float[] x;
  final float[] xb;
  final float[] xb2;
  final float[] hb;
  final float[] hb2;
  final float[] q;
  final float[] attention;
  final float[] logits;
  final float[][] keyCache;
  final float[][] valueCache;

  ForwardState(Llama2Config config) {
    int dim = config.dim();
    x = new float[dim];
    xb = new float[dim];
    xb2 = new float[dim];
    hb = new float[config.hiddenDim()];
    hb2 = new float[config.hiddenDim()];
    q = new float[dim];
    attention = new float[config.seqLen()];
    logits = new float[config.vocabSize()];
    keyCache = new float[config.nLayers()][config.seqLen() * config.kvDim()];
    valueCache = new float[config.nLayers()][config.seqLen() * config.kvDim()];
  }
}
