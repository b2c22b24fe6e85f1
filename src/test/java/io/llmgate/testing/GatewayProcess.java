package io.llmgate.testing;

import io.llmgate.Main;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real llmgate process ({@link Main}) on the test's classpath, on a free port of 127.0.0.1, signing
 * with {@link TestTokens#SECRET}, with the YAML config given: for what only a separate process shows (a
 * signal's effect, a node that dies without a word), without the self-warm-up unless {@code yaml} has a
 * {@code warmup:} section. {@code config} is its YAML file, deleted by
 * {@link #close}.
 */
public record GatewayProcess(Process process, Path config, String url) implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

  /** Starts it and waits until it listens; {@code env} is added to what it gets. */
  public static GatewayProcess start(String yaml, Map<String, String> env) throws Exception {
    Path config = Files.createTempFile("llmgate-", ".yaml");
    // Without the self-warm-up unless the test is about it: it would only make each start cost more CPU.
    Files.writeString(config, yaml.contains("warmup:") ? yaml : yaml + "warmup:\n  streams: 0\n");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true);
    Map<String, String> all = new HashMap<>(Map.of("LLMGATE_PORT", "0", "LLMGATE_HOST", "127.0.0.1",
        "LLMGATE_JWT_SECRET", TestTokens.SECRET, "LLMGATE_CONFIG", config.toString()));
    all.putAll(env);
    builder.environment().putAll(all);
    Process process = builder.start();
    try {
      return new GatewayProcess(process, config, awaitUrl(process));
    } catch (Exception | AssertionError failed) {
      process.destroyForcibly();
      Files.deleteIfExists(config);
      throw failed;
    }
  }

  public int port() {
    return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1).replaceAll("/.*", ""));
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no drain, no goodbye to Redis; waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
    Files.deleteIfExists(config);
  }

  private static String awaitUrl(Process server) throws Exception {
    BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = output.readLine()) != null) {
      Matcher listening = LISTENING.matcher(line);
      if (listening.find()) {
        Thread drainer = new Thread(() -> output.lines().forEach(l -> { }));
        drainer.setDaemon(true);
        drainer.start();
        return listening.group(1);
      }
    }
    throw new AssertionError("server exited before listening");
  }
}
