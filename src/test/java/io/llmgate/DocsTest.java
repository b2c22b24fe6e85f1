package io.llmgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the docs say about the code, checked against the code: the package tree of docs/architecture.md
 * (its rules are ArchitectureTest's), the {@code wire-formats.md §N} references, and docs/socketio.md's
 * wiring example and API list.
 */
class DocsTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final Pattern CITATION = Pattern.compile("wire-formats\\.md ((?:§[0-9.]*[0-9](?:,? )?)+)");
  private static final Pattern SECTION = Pattern.compile("§([0-9.]*[0-9])");
  private static final Pattern HEADING = Pattern.compile("^#{2,3} ([0-9]+(?:\\.[0-9]+)?)[. ]", Pattern.MULTILINE);

  @Test
  void theArchitecturePackageTreeNamesEveryPackageThereIs() throws IOException {
    Set<String> documented = documentedPackages(firstBlock("docs/architecture.md", "```\n"));
    Set<String> actual;
    try (Stream<Path> files = Files.walk(MAIN.resolve("io/llmgate"))) {
      actual = files.filter(file -> file.toString().endsWith(".java"))
          .map(file -> MAIN.relativize(file.getParent()).toString().replace('/', '.'))
          .filter(name -> !name.equals("io.llmgate"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(documented).isEqualTo(actual);
  }

  @Test
  void everyWireFormatsSectionTheCodeCitesExists() throws IOException {
    Set<String> sections = new TreeSet<>();
    Matcher heading = HEADING.matcher(Files.readString(Path.of("docs/wire-formats.md")));
    while (heading.find()) {
      sections.add(heading.group(1));
    }
    Map<String, List<String>> cited = citations();

    assertThat(cited).as("the code cites wire-formats.md").isNotEmpty();
    cited.forEach((where, cites) -> assertThat(sections).as(where).containsAll(cites));
  }

  @Test
  void theSocketIoWiringExampleIsTheTestedCode() throws IOException {
    String source = Files.readString(Path.of("src/test/java/io/llmgate/SocketIoWiringExampleTest.java"));
    String region = source.substring(source.indexOf("// docs/socketio.md wiring: begin\n"),
        source.indexOf("    // docs/socketio.md wiring: end"));
    String example = region.lines().skip(1).map(line -> line.replaceFirst("^    ", ""))
        .collect(Collectors.joining("\n", "", "\n"));

    assertThat(firstBlock("docs/socketio.md", "```java\n")).isEqualTo(example);
  }

  /** Each method the API list of docs/socketio.md names exists, public, on the class it names. */
  @Test
  void theSocketIoApiListNamesPublicMethods() throws Exception {
    String api = blocks("docs/socketio.md", "```java\n").get(1);
    Map<String, String> byClass = new LinkedHashMap<>();
    String current = null;
    for (String line : api.lines().toList()) {
      if (!line.startsWith(" ")) {
        current = line.split(" ")[0].replaceAll("\\(.*", "");
        byClass.put(current, "");
      }
      byClass.merge(current, line, (a, b) -> a + "\n" + b);
    }
    assertThat(byClass.keySet()).contains("SocketIoServer", "SocketIoNamespace", "SocketIoSocket", "Ack",
        "SocketIoException", "SocketIoOptions");
    for (Map.Entry<String, String> entry : byClass.entrySet()) {
      Class<?> type = Class.forName("io.llmgate.transport.socketio." + entry.getKey());
      Set<String> members = publicMembers(type);
      for (String named : namedMembers(entry.getKey(), entry.getValue())) {
        assertThat(members).as("%s.%s in docs/socketio.md", entry.getKey(), named).contains(named);
      }
    }
  }

  /** The names a line of the API list calls: {@code name(…)}, or the bare option names of SocketIoOptions. */
  private static List<String> namedMembers(String type, String text) {
    String body = text.replaceFirst("^\\s*" + type, "");
    List<String> names = new ArrayList<>();
    Matcher call = Pattern.compile("(?<![\\w.>-])([a-z]\\w*)\\(").matcher(body.replaceAll("\\(first call only\\)", ""));
    while (call.find()) {
      names.add(call.group(1));
    }
    if (type.equals("SocketIoOptions")) {
      Arrays.stream(body.split("[,;\\s]+")).filter(word -> word.matches("[a-z]\\w*"))
          .forEach(option -> names.add("set" + Character.toUpperCase(option.charAt(0)) + option.substring(1)));
    }
    return names;
  }

  private static Set<String> publicMembers(Class<?> type) {
    Set<String> members = new TreeSet<>();
    Arrays.stream(type.getMethods()).filter(m -> Modifier.isPublic(m.getModifiers())).forEach(m -> members.add(m.getName()));
    if (type.getConstructors().length > 0) {
      members.add(type.getSimpleName());
    }
    return members;
  }

  /** The packages a tree of "name/" entries names, nested by two spaces of indent. */
  private static Set<String> documentedPackages(String tree) {
    Set<String> packages = new TreeSet<>();
    Map<Integer, String> parents = new LinkedHashMap<>();
    parents.put(0, "io.llmgate");
    for (String line : tree.lines().skip(1).toList()) {
      int indent = line.length() - line.stripLeading().length();
      String parent = parents.get(indent / 2 - 1);
      for (String word : line.strip().split("\\s+")) {
        if (!word.endsWith("/") || parent == null) {
          break;
        }
        String name = parent + "." + word.substring(0, word.length() - 1);
        packages.add(name);
        parents.put(indent / 2, name);
      }
    }
    return packages;
  }

  /** For each main source file citing wire-formats.md, the section numbers it cites. */
  private static Map<String, List<String>> citations() throws IOException {
    Map<String, List<String>> cited = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher citation = CITATION.matcher(Files.readString(file));
        while (citation.find()) {
          Matcher section = SECTION.matcher(citation.group(1));
          while (section.find()) {
            cited.computeIfAbsent(file.toString(), f -> new ArrayList<>()).add(section.group(1));
          }
        }
      }
    }
    return cited;
  }

  private static String firstBlock(String doc, String opening) throws IOException {
    return blocks(doc, opening).get(0);
  }

  /** The fenced blocks of {@code doc} that open with {@code opening}, without their fences. */
  private static List<String> blocks(String doc, String opening) throws IOException {
    String text = Files.readString(Path.of(doc));
    List<String> blocks = new ArrayList<>();
    for (int start = text.indexOf(opening); start >= 0; start = text.indexOf(opening, start)) {
      int end = text.indexOf("```\n", start + opening.length());
      blocks.add(text.substring(start + opening.length(), end));
      start = end + 4;
    }
    return blocks;
  }
}
