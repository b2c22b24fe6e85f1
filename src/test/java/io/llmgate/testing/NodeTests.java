package io.llmgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Node test file of {@code interop/} (real npm clients: socket.io-client, openai, playwright-core)
 * against a server started by the JUnit test, and fails with Node's own report when any Node test fails.
 * Installs the locked npm packages on first use, so the README's single test command needs nothing else.
 */
public final class NodeTests {
  public static final Path INTEROP = Path.of("interop").toAbsolutePath();
  private static final long TIMEOUT_SECONDS = 300;

  private NodeTests() {}

  /** Runs {@code node --test interop/<file>} with {@code env}; asserts every Node test passed. */
  public static String run(String file, Map<String, String> env) throws IOException, InterruptedException {
    ensureInstalled();
    Result result = exec(List.of("node", "--test", "--test-reporter=spec", file), env);
    System.out.println("---- node --test " + file + " ----\n" + result.output());
    assertThat(result.exitCode()).as("node --test %s failed:%n%s", file, result.output()).isZero();
    return result.output();
  }

  public static synchronized void ensureInstalled() throws IOException, InterruptedException {
    // npm records what it installed in node_modules/.package-lock.json: a lockfile changed since (a
    // dependency added on another branch) means the installed tree is stale.
    Path installed = INTEROP.resolve("node_modules/.package-lock.json");
    if (Files.exists(installed) && Files.getLastModifiedTime(installed)
        .compareTo(Files.getLastModifiedTime(INTEROP.resolve("package-lock.json"))) >= 0) {
      return;
    }
    Result install = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of());
    assertThat(install.exitCode()).as("npm ci in interop/:%n%s", install.output()).isZero();
  }

  private static Result exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(INTEROP.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Path log = Files.createTempFile("node-", ".log");
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-1, "timed out after " + TIMEOUT_SECONDS + "s\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    return new Result(process.exitValue(), output);
  }

  private record Result(int exitCode, String output) {}
}
