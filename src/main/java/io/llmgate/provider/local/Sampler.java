package io.llmgate.provider.local;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits as llama2.c's sampler does: the argmax at temperature 0
 * (deterministic), otherwise a draw from the softmax of {@code logits / temperature} restricted to
 * the smallest set of tokens whose probability reaches {@code topP} (nucleus sampling). Owns a seeded
 * random generator, so one sampler belongs to one stream and a seed replays it exactly.
 */
final class Sampler {
  private final double temperature;
  private final double topP;
  private final SplittableRandom random;
  private Integer[] order = new Integer[0];

  Sampler(double temperature, double topP, long seed) {
    if (!(temperature >= 0 && temperature <= 100)) {
      throw new IllegalArgumentException("temperature: " + temperature + " (expected: 0..100)");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP: " + topP + " (expected: > 0 and <= 1)");
    }
    this.temperature = temperature;
    this.topP = topP;
    this.random = new SplittableRandom(seed);
  }

  static Sampler greedy() {
    return new Sampler(0, 1, 0);
  }

  /** Consumes {@code logits}: they are overwritten with probabilities when sampling. */
  int sample(float[] logits) {
    if (temperature == 0) {
      return argmax(logits);
    }
    for (int i = 0; i < logits.length; i++) {
      logits[i] /= (float) temperature;
    }
    Llama2Model.softmax(logits, logits.length);
    return topP < 1 ? sampleTopP(logits) : sampleAll(logits);
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private int sampleAll(float[] probabilities) {
    double coin = random.nextDouble();
    double cumulative = 0;
    for (int i = 0; i < probabilities.length; i++) {
      cumulative += probabilities[i];
      if (coin < cumulative) {
        return i;
      }
    }
    return probabilities.length - 1; // rounding left the sum a hair under the coin
  }

  private int sampleTopP(float[] probabilities) {
    // Tokens below this cannot be in the nucleus; dropping them first keeps the sort short (run.c).
    double cutoff = (1 - topP) / Math.max(1, probabilities.length - 1);
    if (order.length < probabilities.length) {
      order = new Integer[probabilities.length];
    }
    int candidates = 0;
    for (int i = 0; i < probabilities.length; i++) {
      if (probabilities[i] >= cutoff) {
        order[candidates++] = i;
      }
    }
    if (candidates == 0) {
      return argmax(probabilities); // topP below 1 / vocabulary size: only the top token fits
    }
    Arrays.sort(order, 0, candidates, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
    double total = 0;
    int last = candidates - 1;
    for (int i = 0; i < candidates; i++) {
      total += probabilities[order[i]];
      if (total > topP) {
        last = i;
        break;
      }
    }
    double coin = random.nextDouble() * total;
    double cumulative = 0;
    for (int i = 0; i <= last; i++) {
      cumulative += probabilities[order[i]];
      if (coin < cumulative) {
        return order[i];
      }
    }
    return order[last];
  }
}
