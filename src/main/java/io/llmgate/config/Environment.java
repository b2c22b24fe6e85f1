package io.llmgate.config;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads llmgate's environment variables as strictly as {@link Settings} reads the file: a value that is
 * not of its type stops the start, and so does a variable one or two typos away from one llmgate reads
 * ({@code LLMGATE_PROT}), which would otherwise be ignored. Other {@code LLMGATE_*} names are left alone:
 * the bench and client scripts have their own ({@code LLMGATE_URL}, {@code LLMGATE_TOKEN} …). A blank
 * value counts as unset, as container tooling writes {@code VAR=} for "no value".
 */
final class Environment {
  static final String PREFIX = "LLMGATE_";
  /** Read outside the loader: by logback.xml. */
  private static final Set<String> READ_ELSEWHERE = Set.of("LLMGATE_LOG_LEVEL");

  private final Map<String, String> env;
  private final Set<String> known = new TreeSet<>(READ_ELSEWHERE);

  Environment(Map<String, String> env) {
    this.env = env;
  }

  Optional<String> text(String name) {
    known.add(name);
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  OptionalInt integer(String name) {
    Optional<String> value = text(name);
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(value.get().trim()));
    } catch (NumberFormatException e) {
      throw new ConfigException(name + ": \"" + value.get() + "\" (expected: an integer)");
    }
  }

  /** Call after every variable has been read: refuses near misses of the names read. */
  void refuseMisspelt() {
    for (String name : env.keySet()) {
      if (name.startsWith(PREFIX) && !known.contains(name)) {
        Names.closest(name, known).ifPresent(meant -> {
          throw new ConfigException(name + ": unknown variable (did you mean " + meant + "?)");
        });
      }
    }
  }
}
