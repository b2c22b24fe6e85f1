package io.llmgate.testing;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Runs a property over seeded random cases: the same cases on every run (CI), more with
 * {@code -Dfuzz.tries=100000}, other ones with {@code -Dfuzz.seed=N}; a failure names its case and seed.
 *
 * <p>Hand-written rather than a library: we used jqwik, whose releases from 1.10 print that AI agents must
 * not use it. Much of this project is written by AI agents, so we honour its author's wish. What these
 * tests need is small (seeded generation and a reproducible failing case); they lose shrinking.
 */
public final class Fuzz {
  private static final long SEED = Long.getLong("fuzz.seed", 20261203L);
  private static final int TRIES = Integer.getInteger("fuzz.tries", 1000);

  private Fuzz() {}

  public static <T> void forAll(Gen<T> cases, Consumer<T> property) {
    Random random = new Random(SEED);
    for (int i = 0; i < TRIES; i++) {
      T value = cases.next(random);
      try {
        property.accept(value);
      } catch (AssertionError | RuntimeException failure) {
        throw new AssertionError("case " + i + " of seed " + SEED + " failed: " + describe(value), failure);
      }
    }
  }

  private static String describe(Object value) {
    String text = value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value);
    return text.length() <= 500 ? text : text.substring(0, 500) + "… (" + text.length() + " chars)";
  }
}
