package io.llmgate.bench;

import java.util.Arrays;

/** A growable list of nanosecond samples with exact percentiles. Not thread-safe: one event loop adds. */
final class Samples {
  private long[] values = new long[1024];
  private int size;

  synchronized void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
  }

  synchronized void addAll(Samples other) {
    long[] copy;
    int n;
    synchronized (other) {
      copy = other.values;
      n = other.size;
    }
    for (int i = 0; i < n; i++) {
      add(copy[i]);
    }
  }

  synchronized int size() {
    return size;
  }

  /** The {@code p}-th percentile (0..100), or -1 when empty. */
  synchronized long percentile(double p) {
    if (size == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, index))];
  }
}
