package io.llmgate.bench;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster phases: two llmgate nodes, A and B, on one redis-server of this machine (run.sh starts them
 * beside the standalone llmgate, with the same settings), measured in the same run against that one node.
 * {@code cost}: a cluster node's added TTFT and CPU per token against the standalone node, and Redis's
 * commands and bytes per stream and per token; {@code ladder}: the Socket.IO ladder on one node and on both
 * nodes (streams alternating); {@code resume}: a client dropped after a few tokens resumes on the other
 * node, and, for comparison, on the same one. Each is its own phase: one failing leaves the others.
 */
final class Cluster {
  /** Tokens the client takes before it drops, in the resume phase. */
  private static final int DROP_AFTER = 4;

  private final Load load;
  private final Load.Config cfg;

  Cluster(Load load) {
    this.load = load;
    this.cfg = load.cfg;
  }

  private Target node(String label, int port) {
    return new SocketIoTarget("llmgate socketio, " + label, load.vertx, load.ws, port, cfg.provider,
        run -> Jwt.sign(cfg.secret, "bench-user-" + Math.floorMod(run.id.hashCode(), cfg.users)), false);
  }

  private void require() {
    if (cfg.clusterPortA == 0 || cfg.clusterPortB == 0 || cfg.redisPort == 0) {
      throw new IllegalStateException("the cluster phases need two cluster nodes and Redis: bench.cluster.a.port, "
          + "bench.cluster.b.port and bench.redis.port (bench/run.sh starts them when BENCH_PHASES has cluster)");
    }
  }

  /** The cluster nodes served nothing yet: the same warm-up as the standalone node, shorter. */
  private void warm(Target... nodes) {
    for (Target node : nodes) {
      load.closedLoop(node, 50, 500, new Load.Spec(20, 0), 0, new Recorder());
      load.closedLoop(node, 20, 40, new Load.Spec(1000, 0), 0, new Recorder());
    }
  }

  void cost() {
    require();
    Target a = node("cluster node A", cfg.clusterPortA);
    warm(load.target("socketio"), a, node("cluster node B", cfg.clusterPortB));
    Map<String, Recorder> recorders = new LinkedHashMap<>();
    Map<String, long[]> cpu = new LinkedHashMap<>(); // gateway CPU ns, Redis CPU ns
    Map<String, Long> shortRuns = new TreeMap<>();
    for (String path : List.of("direct", "one node", "cluster node A")) {
      recorders.put(path, new Recorder());
      cpu.put(path, new long[2]);
    }
    for (int round = 0; round < cfg.rounds; round++) {
      measure("direct", load.target("direct"), cfg.upstreamPid, recorders, cpu, null);
      measure("one node", load.target("socketio"), load.llmgatePid, recorders, cpu, null);
      measure("cluster node A", a, cfg.clusterPidA, recorders, cpu, shortRuns);
    }
    latencyTable(recorders, cpu);
    Load.Spec longSpec = new Load.Spec(200, 10);
    int longStreams = 40;
    Recorder longRec = new Recorder();
    Map<String, Long> before = counters();
    load.closedLoop(a, 20, longStreams, longSpec, 0, longRec);
    Map<String, Long> longRuns = since(counters(), before);
    redisTable(shortRuns, cfg.latStreams * cfg.rounds, recorders.get("cluster node A").tokens.get(), longRuns,
        longStreams, longRec.tokens.get());
  }

  private void measure(String path, Target target, long gatewayPid, Map<String, Recorder> recorders,
      Map<String, long[]> cpu, Map<String, Long> redis) {
    Proc.Meter meter = new Proc.Meter(gatewayPid, cfg.redisPid);
    Map<String, Long> before = redis == null ? Map.of() : counters();
    load.closedLoop(target, cfg.latConcurrency, cfg.latStreams, cfg.latSpec, 0, recorders.get(path));
    cpu.get(path)[0] += meter.cpuNanosSince(0);
    cpu.get(path)[1] += meter.cpuNanosSince(1);
    if (redis != null) {
      since(counters(), before).forEach((k, v) -> redis.merge(k, v, Long::sum));
    }
  }

  /**
   * Redis's counters, and node A's round trips to Redis by what they carried (its
   * {@code llmgate_redis_latency_seconds_count}; {@code replay-append} is one pipeline of log writes).
   */
  private Map<String, Long> counters() {
    Map<String, Long> all = new TreeMap<>(RedisCounters.read(cfg.redisPort).totals());
    for (String line : load.get(cfg.clusterPortA, "/metrics").split("\n")) {
      if (line.startsWith("llmgate_redis_latency_seconds_count{")) {
        int tag = line.indexOf("command=\"") + 9;
        all.put("node A round trips: " + line.substring(tag, line.indexOf('"', tag)),
            (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return all;
  }

  private static Map<String, Long> since(Map<String, Long> now, Map<String, Long> before) {
    Map<String, Long> delta = new TreeMap<>();
    now.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) {
        delta.put(k, d);
      }
    });
    return delta;
  }

  private void latencyTable(Map<String, Recorder> recorders, Map<String, long[]> cpu) {
    load.print("\n### Cluster: one node against a node on Redis (Socket.IO, " + cfg.latConcurrency + " concurrent, "
        + cfg.latStreams * cfg.rounds + " streams of " + cfg.latSpec.frames() + " frames every "
        + cfg.latSpec.intervalMs() + " ms per path, rounds interleaved)\n");
    load.print("| path | TTFT p50 | TTFT p99 | added TTFT p50 | added TTFT p99 | gap p99 | gateway CPU per token "
        + "| Redis CPU per token |");
    load.print("|---|---|---|---|---|---|---|---|");
    Recorder direct = recorders.get("direct");
    recorders.forEach((path, r) -> {
      long tokens = Math.max(1, r.tokens.get());
      boolean baseline = path.equals("direct");
      load.print("| " + path + " | " + Load.us(r.ttft.percentile(50)) + " | " + Load.us(r.ttft.percentile(99)) + " | "
          + Load.added(r.ttft, direct.ttft, 50) + " | " + Load.added(r.ttft, direct.ttft, 99) + " | "
          + Load.us(r.gaps.percentile(99)) + " | " + (baseline ? "–" : Load.us(cpu.get(path)[0] / tokens)) + " | "
          + (path.startsWith("cluster") ? Load.us(cpu.get(path)[1] / tokens) : "–") + " |");
    });
    Recorder one = recorders.get("one node");
    Recorder node = recorders.get("cluster node A");
    double cpuRatio = (double) cpu.get("cluster node A")[0] / Math.max(1, node.tokens.get())
        / ((double) cpu.get("one node")[0] / Math.max(1, one.tokens.get()));
    load.print("\nA node on Redis against one node: TTFT p50 " + Load.added(node.ttft, one.ttft, 50) + ", p99 "
        + Load.added(node.ttft, one.ttft, 99) + "; gateway CPU per token " + String.format(Locale.ROOT, "%.2f×", cpuRatio)
        + " (per token, the stream's own Redis work included: rate limit, slot, log set-up and release)");
  }

  /**
   * Per stream and per token, from two loads of different stream lengths on node A: with {@code C = s·S +
   * t·T} for each counter (S streams, T tokens), the two readings give s and t. Heartbeats of both nodes
   * (a few commands a second) fall into both.
   */
  private void redisTable(Map<String, Long> shortRuns, long shortStreams, long shortTokens, Map<String, Long> longRuns,
      long longStreams, long longTokens) {
    load.print("\n### Cluster: Redis per stream and per token (node A; " + shortStreams + " streams, " + shortTokens
        + " tokens, then " + longStreams + " streams, " + longTokens + " tokens; INFO commandstats and stats)\n");
    load.print("| counter | first load | second load | per stream | per token |");
    load.print("|---|---|---|---|---|");
    TreeMap<String, Long> all = new TreeMap<>(shortRuns);
    longRuns.keySet().forEach(k -> all.putIfAbsent(k, 0L));
    double det = (double) longTokens * shortStreams - (double) shortTokens * longStreams;
    all.keySet().forEach(counter -> {
      long c1 = shortRuns.getOrDefault(counter, 0L);
      long c2 = longRuns.getOrDefault(counter, 0L);
      double perToken = (c2 * (double) shortStreams - c1 * (double) longStreams) / det;
      double perStream = (c1 - perToken * shortTokens) / shortStreams;
      load.print("| " + counter + " | " + c1 + " | " + c2 + " | " + String.format(Locale.ROOT, "%.2f", perStream)
          + " | " + String.format(Locale.ROOT, "%.3f", perToken) + " |");
    });
    long commands1 = shortRuns.entrySet().stream().filter(e -> !e.getKey().contains(" "))
        .mapToLong(Map.Entry::getValue).sum();
    load.print("\nAll commands counted, first load: " + String.format(Locale.ROOT, "%.2f", (double) commands1 / shortTokens)
        + " per token (" + commands1 + " for " + shortTokens + " tokens of " + shortStreams + " streams)."
        + " Commands a script runs are counted under their own names as well as under evalsha.");
  }

  void ladder() {
    require();
    Target one = load.target("socketio");
    Target both = new Alternating("llmgate socketio, nodes A+B", List.of(node("A", cfg.clusterPortA),
        node("B", cfg.clusterPortB)));
    Load.Spec spec = cfg.ladderSpec;
    load.print("\n### Cluster ladder, Socket.IO: one node against two nodes on Redis (" + spec.frames()
        + " frames every " + spec.intervalMs() + " ms, started over " + cfg.rampMs + " ms; a stall is a wait over "
        + 10 * spec.intervalMs() + " ms; the two nodes share this machine's 2 cores with Redis)\n");
    load.print("| path | streams | sustained | stalled | failed | worst gap | TTFT p50 | TTFT p99 | gap p99 "
        + "| CPU gateway(s) | CPU Redis | CPU upstream | CPU loadgen |");
    load.print("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    List<String> added = new ArrayList<>();
    for (int n : cfg.clusterLadder) {
      Recorder r1 = step(one, n, spec, load.llmgatePid, load.llmgatePid);
      Load.pause(2000);
      Recorder r2 = step(both, n, spec, cfg.clusterPidA, cfg.clusterPidB);
      Load.pause(2000);
      added.add(n + " streams: TTFT p50 " + Load.added(r2.ttft, r1.ttft, 50) + ", p99 "
          + Load.added(r2.ttft, r1.ttft, 99));
    }
    load.print("\nTwo nodes against one node: " + String.join("; ", added));
  }

  private Recorder step(Target target, int n, Load.Spec spec, long pid1, long pid2) {
    Recorder rec = new Recorder();
    Proc.Meter meter = new Proc.Meter(pid1, pid2, cfg.redisPid, cfg.upstreamPid, load.selfPid);
    Load.Step step = load.ramp(target, n, spec, rec);
    double gateways = meter.cores(0) + (pid2 == pid1 ? 0 : meter.cores(1));
    load.print("| " + target.name() + " | " + n + " | " + step.sustainedCell() + " | " + step.stalled() + " | "
        + step.failed() + " | " + Load.ms(step.worstGapNanos()) + " | " + Load.ms(rec.ttft.percentile(50)) + " | "
        + Load.ms(rec.ttft.percentile(99)) + " | " + Load.ms(rec.gaps.percentile(99)) + " | " + Load.cores(gateways)
        + " | " + Load.cores(meter.cores(2)) + " | " + Load.cores(meter.cores(3)) + " | " + Load.cores(meter.cores(4))
        + " |");
    step.printFailure(load);
    return rec;
  }

  void resume() {
    require();
    Load.Spec spec = new Load.Spec(20, 50);
    String token = Jwt.sign(cfg.secret, "bench-resume");
    load.print("\n### Cluster: resume (Socket.IO; a stream of " + spec.frames() + " frames every " + spec.intervalMs()
        + " ms on node A, its client drops after " + DROP_AFTER + " tokens, reconnects " + ResumeProbe.AWAY_MS
        + " ms later and emits llm:stream:resume, so there are tokens to replay; "
        + cfg.resumes + " resumes per row, one at a time; timed from the emit)\n");
    load.print("| resumed on | ack p50 | ack p99 | first token p50 | first token p99 | every index once, in order | failed |");
    load.print("|---|---|---|---|---|---|---|");
    Samples cross = resumes("node B (another node)", cfg.clusterPortB, spec, token);
    Samples same = resumes("node A (the same node)", cfg.clusterPortA, spec, token);
    load.print("\nFirst token after the resume, another node ÷ the same node: p50 "
        + times(cross.percentile(50), same.percentile(50)) + ", p99 " + times(cross.percentile(99), same.percentile(99)));
  }

  private static String times(long a, long b) {
    return a < 0 || b <= 0 ? "–" : String.format(Locale.ROOT, "%.2f×", (double) a / b);
  }

  private Samples resumes(String label, int to, Load.Spec spec, String token) {
    Samples ack = new Samples();
    Samples first = new Samples();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < cfg.resumes; i++) {
      Run run = load.newRun(new Recorder(), 0);
      String prompt = "bench id=" + run.id + " frames=" + spec.frames() + " interval=" + spec.intervalMs();
      Future<ResumeProbe.Outcome> probe = Future.future(done -> load.loop().runOnContext(v ->
          ResumeProbe.run(load, token, run.id, prompt, cfg.clusterPortA, to, DROP_AFTER, 30_000).onComplete(done)));
      try {
        ResumeProbe.Outcome outcome = Load.await(probe, 40_000);
        ack.add(outcome.ackNanos());
        first.add(outcome.firstTokenNanos());
      } catch (RuntimeException e) {
        failures.add(String.valueOf(e.getMessage()));
      }
    }
    load.print("| " + label + " | " + Load.us(ack.percentile(50)) + " | " + Load.us(ack.percentile(99)) + " | "
        + Load.us(first.percentile(50)) + " | " + Load.us(first.percentile(99)) + " | " + ack.size() + " of "
        + cfg.resumes + " | " + failures.size() + (failures.isEmpty() ? "" : " (e.g. " + failures.get(0) + ")") + " |");
    return first;
  }

  /** Each new stream on the next of {@code targets}: a balancer spreading new connections over nodes. */
  private record Alternating(String name, List<Target> targets, AtomicInteger next) implements Target {
    Alternating(String name, List<Target> targets) {
      this(name, targets, new AtomicInteger());
    }

    @Override
    public void start(Run run, String prompt) {
      targets.get(Math.floorMod(next.getAndIncrement(), targets.size())).start(run, prompt);
    }
  }
}
