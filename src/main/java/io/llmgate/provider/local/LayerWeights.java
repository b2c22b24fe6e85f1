package io.llmgate.provider.local;

/**
 * One transformer layer's tensors, row-major as llama2.c stores them: a {@code (rows, cols)} matrix
 * maps a {@code cols} vector to a {@code rows} vector. Never written after loading.
 */
record LayerWeights(
    float[] attentionNorm,
    float[] wq,
    float[] wk,
    float[] wv,
    float[] wo,
    float[] ffnNorm,
    float[] w1,
    float[] w2,
    float[] w3) {}
