package io.llmgate.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A generator of random test values from a seeded {@link Random}, for the property tests of the decoders
 * ({@link Fuzz}). Numbers and characters lean towards their edge cases, as a property-testing library's do.
 */
@FunctionalInterface
public interface Gen<T> {
  T next(Random random);

  default <R> Gen<R> map(Function<? super T, ? extends R> mapping) {
    return random -> mapping.apply(next(random));
  }

  default Gen<List<T>> list(int minSize, int maxSize) {
    return random -> {
      int size = between(random, minSize, maxSize);
      List<T> values = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        values.add(next(random));
      }
      return values;
    };
  }

  @SafeVarargs
  static <T> Gen<T> of(T... values) {
    return random -> values[random.nextInt(values.length)];
  }

  @SafeVarargs
  static <T> Gen<T> oneOf(Gen<? extends T>... generators) {
    return random -> generators[random.nextInt(generators.length)].next(random);
  }

  static Gen<Integer> ints(int min, int max) {
    return random -> between(random, min, max);
  }

  static Gen<Integer> anyInt() {
    return random -> edge(random) ? of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE).next(random) : random.nextInt();
  }

  static Gen<Long> anyLong() {
    return random -> edge(random) ? of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE).next(random) : random.nextLong();
  }

  static Gen<Long> nonNegativeLongs() {
    return anyLong().map(value -> value == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(value));
  }

  static Gen<Double> anyDouble() {
    return random -> edge(random)
        ? of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE).next(random)
        : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
  }

  static Gen<Boolean> bools() {
    return Random::nextBoolean;
  }

  /** Any UTF-16 code unit: mostly ASCII, also the rest of the BMP, controls and lone surrogates. */
  static Gen<Character> anyChar() {
    return random -> {
      int kind = random.nextInt(20);
      int unit = kind < 10 ? between(random, ' ', '~')
          : kind < 16 ? random.nextInt(0x10000)
          : kind < 18 ? random.nextInt(0x20)
          : between(random, 0xD800, 0xDFFF);
      return (char) unit;
    };
  }

  static Gen<String> strings(int minLength, int maxLength) {
    return strings(anyChar(), minLength, maxLength);
  }

  static Gen<String> strings(char from, char to, int minLength, int maxLength) {
    return strings(random -> (char) between(random, from, to), minLength, maxLength);
  }

  private static Gen<String> strings(Gen<Character> chars, int minLength, int maxLength) {
    return random -> {
      int length = between(random, minLength, maxLength);
      StringBuilder text = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        text.append(chars.next(random).charValue());
      }
      return text.toString();
    };
  }

  static Gen<byte[]> bytes(int maxSize) {
    return random -> {
      byte[] bytes = new byte[between(random, 0, maxSize)];
      random.nextBytes(bytes);
      return bytes;
    };
  }

  private static boolean edge(Random random) {
    return random.nextInt(8) == 0;
  }

  /** Sizes lean small (half the time in the lowest tenth of the range), as most interesting inputs are. */
  private static int between(Random random, int min, int max) {
    long span = (long) max - min + 1;
    long bound = random.nextBoolean() ? Math.max(1, span / 10) : span;
    return (int) (min + Math.floorMod(random.nextLong(), bound));
  }
}
