package io.llmgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from /proc (Linux). */
final class Proc {
  private static final long TICK_NANOS = 10_000_000; // CLK_TCK = 100 on Linux

  private Proc() {}

  /** User + system CPU time of {@code pid} and its threads, in nanoseconds; 0 if unknown. */
  static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * User + system CPU time, in nanoseconds, of the threads of {@code pid} whose name starts with one of
   * {@code prefixes} (e.g. HotSpot's {@code C1 CompilerThre}, {@code C2 CompilerThre}: /proc keeps 15
   * characters). Read from /proc, with no agent attached to the process, so that measuring the JIT does
   * not change what it compiles. A thread that exited in between takes its time with it; HotSpot keeps
   * its first compiler thread of each kind.
   */
  static long threadCpuNanos(long pid, String... prefixes) {
    long sum = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
              String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
              sum += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
              break;
            }
          }
        } catch (IOException | RuntimeException e) {
          // the thread exited while it was listed
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return sum;
  }

  /** Resident set size of {@code pid} in bytes; 0 if unknown. */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** CPU used by a set of processes between two points in time. */
  static final class Meter {
    private final long[] pids;
    private final long[] start;
    private final long startWall = System.nanoTime();

    Meter(long... pids) {
      this.pids = pids;
      this.start = new long[pids.length];
      for (int i = 0; i < pids.length; i++) {
        start[i] = cpuNanos(pids[i]);
      }
    }

    /** Cores busy (CPU seconds per wall second) of process {@code i} since this meter started. */
    double cores(int i) {
      long wall = System.nanoTime() - startWall;
      return wall <= 0 ? 0 : (double) (cpuNanos(pids[i]) - start[i]) / wall;
    }

    long cpuNanosSince(int i) {
      return cpuNanos(pids[i]) - start[i];
    }
  }
}
