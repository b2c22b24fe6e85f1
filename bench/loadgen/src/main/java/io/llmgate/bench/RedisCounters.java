package io.llmgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a redis-server has done so far, from {@code INFO commandstats} and {@code INFO stats} as
 * {@code redis-cli} prints them: calls per command (those a script runs count under their own names too,
 * besides the script's {@code evalsha}; not the readings' own {@code INFO}) and the bytes it received and
 * sent. Counters only, so measuring costs the server nothing between two readings (no MONITOR).
 */
record RedisCounters(Map<String, Long> calls, long bytesIn, long bytesOut) {
  static final String IN = "bytes to Redis";
  static final String OUT = "bytes from Redis";

  static RedisCounters read(int port) {
    Map<String, Long> calls = new TreeMap<>();
    long in = 0;
    long out = 0;
    for (String line : info(port).split("\r?\n")) {
      if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) { // info: this reading itself
        String rest = line.substring(line.indexOf("calls=") + 6);
        calls.put(line.substring(8, line.indexOf(':')), Long.parseLong(rest.substring(0, rest.indexOf(','))));
      } else if (line.startsWith("total_net_input_bytes:")) {
        in = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      } else if (line.startsWith("total_net_output_bytes:")) {
        out = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return new RedisCounters(calls, in, out);
  }

  /** Every counter by name: calls per command, and the bytes under {@link #IN} and {@link #OUT}. */
  Map<String, Long> totals() {
    Map<String, Long> all = new TreeMap<>(calls);
    all.put(IN, bytesIn);
    all.put(OUT, bytesOut);
    return all;
  }

  private static String info(int port) {
    try {
      Process cli = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port), "INFO", "all")
          .redirectErrorStream(true).start();
      String text = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!cli.waitFor(10, TimeUnit.SECONDS) || cli.exitValue() != 0) {
        throw new IllegalStateException("redis-cli INFO on port " + port + ": " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("redis-cli (Debian's redis-tools) is needed by the cluster phases: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
