package io.llmgate.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** What an unknown setting name probably meant: the known name within two typos, else the whole list. */
public final class Names {
  private static final int MAX_TYPOS = 2;

  private Names() {}

  public static String suggest(String unknown, Collection<String> known) {
    return closest(unknown, known).map(name -> "did you mean " + name + "?")
        .orElseGet(() -> "expected one of: " + String.join(", ", known.stream().sorted().toList()));
  }

  public static Optional<String> closest(String unknown, Collection<String> known) {
    return known.stream().filter(name -> distance(unknown, name) <= MAX_TYPOS)
        .min(Comparator.comparingInt((String name) -> distance(unknown, name)).thenComparing(name -> name));
  }

  /** Levenshtein distance: insertions, deletions and substitutions of one character each. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
