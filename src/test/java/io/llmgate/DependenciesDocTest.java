package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/dependencies.md lists exactly the libraries llmgate ships (its runtime class path, what
 * {@code target/llmgate.jar} bundles), each with the version Maven resolved and its licence: a dependency
 * added, removed or upgraded without the table fails the build. The class path is {@code dependency:list}'s,
 * which the build writes to {@code target/runtime-dependencies.txt} before the tests (pom.xml).
 */
class DependenciesDocTest {
  private static final Path RESOLVED = Path.of("target/runtime-dependencies.txt");
  /** A table row: {@code | `group:artifact` | version | licence |}. */
  private static final Pattern ROW = Pattern.compile("^\\| `([^`:]+:[^`:]+)` \\| ([^|]+?) \\| ([^|]*?) \\|$",
      Pattern.MULTILINE);
  /** A line of dependency:list: {@code group:artifact:type[:classifier]:version:scope}, then maybe its module. */
  private static final Pattern LISTED = Pattern.compile("^\\s+([^:\\s]+):([^:\\s]+):[^:\\s]+(?::[^:\\s]+)?"
      + ":([^:\\s]+):(compile|runtime)\\b", Pattern.MULTILINE);

  @Test
  void theTableListsEveryRuntimeDependencyWithItsResolvedVersionAndALicence() throws IOException {
    assertThat(RESOLVED).as("written by maven-dependency-plugin in generate-test-resources: run the tests"
        + " through Maven").exists();
    Map<String, String> resolved = new TreeMap<>();
    Matcher listed = LISTED.matcher(Files.readString(RESOLVED));
    while (listed.find()) {
      resolved.put(listed.group(1) + ":" + listed.group(2), listed.group(3));
    }
    Map<String, String> documented = new TreeMap<>();
    Matcher row = ROW.matcher(Files.readString(Path.of("docs/dependencies.md")));
    while (row.find()) {
      documented.put(row.group(1), row.group(2));
      assertThat(row.group(3)).as("the licence of %s", row.group(1)).isNotBlank();
    }

    assertThat(resolved).as("dependency:list's runtime scope").containsKey("io.vertx:vertx-core");
    assertThat(documented).as("docs/dependencies.md (artifact -> version)").containsExactlyInAnyOrderEntriesOf(resolved);
  }
}
