package io.llmgate.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator: its own JVM, separate from the gateways it measures. Runs the phases one after the
 * other (latency, concurrency ladder, capacity, cancel, throughput, burst, cold) against the fake upstream directly,
 * llmgate's three streaming transports and Portkey's OpenAI path, and prints one Markdown table per phase.
 * Every loop is bounded by a count and a deadline.
 */
public final class Load {
  final Vertx vertx;
  private final List<Context> loops = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger nextLoop = new AtomicInteger();
  final HttpClient http;
  final WebSocketClient ws;
  final Config cfg;
  /** The gateways' current processes: the cold phase restarts them. */
  long llmgatePid;
  long portkeyPid;
  final long selfPid = ProcessHandle.current().pid();
  private final StringBuilder report = new StringBuilder();

  record Spec(int frames, long intervalMs) {}

  static final String DEFAULT_PHASES = "latency,ladder,capacity,cancel,throughput,burst,cluster,cold";

  /** Settings from system properties {@code bench.*}, with the defaults the README documents. */
  static final class Config {
    final int llmgatePort = Integer.getInteger("bench.llmgate.port", 3000);
    final long llmgatePid = Long.getLong("bench.llmgate.pid", 0);
    final int portkeyPort = Integer.getInteger("bench.portkey.port", 0);
    final long portkeyPid = Long.getLong("bench.portkey.pid", 0);
    final int upstreamPort = Integer.getInteger("bench.upstream.port", 0);
    final long upstreamPid = Long.getLong("bench.upstream.pid", 0);
    final String secret = System.getProperty("bench.jwt.secret", "");
    final String provider = System.getProperty("bench.provider", "bench");
    final String model = System.getProperty("bench.model", "bench-model");
    final int loops = Integer.getInteger("bench.loops", 2);
    final int users = Integer.getInteger("bench.users", 100);
    final List<String> phases =
        List.of(System.getProperty("bench.phases", DEFAULT_PHASES).split(","));
    final List<String> targets = List.of(System.getProperty("bench.targets", "socketio,sse,openai,portkey").split(","));
    final int rounds = Integer.getInteger("bench.rounds", 2);
    final long warmupSeconds = Long.getLong("bench.warmup.seconds", 60);
    final int latConcurrency = Integer.getInteger("bench.latency.concurrency", 20);
    final int latStreams = Integer.getInteger("bench.latency.streams", 200);
    final Spec latSpec = new Spec(Integer.getInteger("bench.latency.frames", 20), Long.getLong("bench.latency.interval", 20));
    final List<Integer> ladder = ints(System.getProperty("bench.ladder", "100,500,1000,2000,3000,5000"));
    final List<String> ladderTargets =
        List.of(System.getProperty("bench.ladder.targets", "direct,socketio,sse,openai,portkey").split(","));
    final Spec ladderSpec = new Spec(Integer.getInteger("bench.ladder.frames", 50), Long.getLong("bench.ladder.interval", 100));
    final long rampMs = Long.getLong("bench.ladder.ramp", 2000);
    final List<Integer> capacity = ints(System.getProperty("bench.capacity", "5000,8000"));
    final Spec capacitySpec =
        new Spec(Integer.getInteger("bench.capacity.frames", 20), Long.getLong("bench.capacity.interval", 500));
    final int cancelStreams = Integer.getInteger("bench.cancel.streams", 200);
    final int cancelConcurrency = Integer.getInteger("bench.cancel.concurrency", 20);
    final int tputStreams = Integer.getInteger("bench.throughput.streams", 100);
    final int tputFrames = Integer.getInteger("bench.throughput.frames", 2000);
    final List<Integer> burst = ints(System.getProperty("bench.burst", "100,400,1000"));
    final List<Integer> cold = ints(System.getProperty("bench.cold", "400"));
    final Spec burstSpec = new Spec(Integer.getInteger("bench.burst.frames", 20), Long.getLong("bench.burst.interval", 50));
    final long burstWindowMs = Long.getLong("bench.burst.window", 50);
    final long coldDelayMs = Long.getLong("bench.cold.delay", 5000);
    /** How llmgate is started for the cold phase, each in turn (bench/run.sh's gateways script reads the names). */
    final List<String> coldVariants = List.of(System.getProperty("bench.cold.llmgate", "default").split(","));
    /** The script that restarts a gateway ({@code <script> llmgate|portkey} prints the new pid); from run.sh. */
    final String restart = System.getProperty("bench.restart", "");
    /** Run as {@code <hook> start|stop <label> <llmgate pid>} around each recorded llmgate burst (profiling). */
    final String burstHook = System.getProperty("bench.burst.hook", "");
    final String out = System.getProperty("bench.out", "");
    /** Cluster mode: two llmgate nodes on one redis-server (0: not started, the cluster phases fail). */
    final int clusterPortA = Integer.getInteger("bench.cluster.a.port", 0);
    final long clusterPidA = Long.getLong("bench.cluster.a.pid", 0);
    final int clusterPortB = Integer.getInteger("bench.cluster.b.port", 0);
    final long clusterPidB = Long.getLong("bench.cluster.b.pid", 0);
    final int redisPort = Integer.getInteger("bench.redis.port", 0);
    final long redisPid = Long.getLong("bench.redis.pid", 0);
    final List<Integer> clusterLadder = ints(System.getProperty("bench.cluster.ladder", "500,1000,2000,3000"));
    final int resumes = Integer.getInteger("bench.cluster.resumes", 30);

    private static List<Integer> ints(String csv) {
      return java.util.Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }
  }

  private Load(Config cfg) {
    this.cfg = cfg;
    this.llmgatePid = cfg.llmgatePid;
    this.portkeyPid = cfg.portkeyPid;
    this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(cfg.loops));
    for (int i = 0; i < cfg.loops; i++) {
      Promise<Context> ready = Promise.promise();
      vertx.deployVerticle(new AbstractVerticle() {
        @Override
        public void start() {
          ready.complete(context);
        }
      }, new DeploymentOptions()).await();
      loops.add(ready.future().await());
    }
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setConnectTimeout(30_000), new PoolOptions().setHttp1MaxSize(20_000).setMaxWaitQueueSize(-1));
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(20_000)
        .setTcpNoDelay(true).setConnectTimeout(30_000).setTryUsePerFrameCompression(false)
        .setTryUsePerMessageCompression(false));
  }

  public static void main(String[] args) throws Exception {
    Config cfg = new Config();
    Load load = new Load(cfg);
    try {
      load.runAll();
    } finally {
      load.vertx.close().await(10, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  // ---- targets ----

  private String jwt(Run run) {
    return Jwt.sign(cfg.secret, "bench-user-" + (Math.abs(run.id.hashCode()) % cfg.users));
  }

  private final Map<String, String> tokenCache = new java.util.concurrent.ConcurrentHashMap<>();

  private String cachedJwt(Run run) {
    String user = "bench-user-" + (Math.abs(run.id.hashCode()) % cfg.users);
    return tokenCache.computeIfAbsent(user, u -> Jwt.sign(cfg.secret, u));
  }

  Target target(String name) {
    return target(name, http, this::cachedJwt);
  }

  /** The path {@code name} over {@code client} (HTTP paths), with {@code token} as each stream's JWT. */
  Target target(String name, HttpClient client, java.util.function.Function<Run, String> token) {
    return switch (name) {
      case "direct" -> new HttpStreamTarget("direct", client, cfg.upstreamPort, "/v1/chat/completions",
          run -> Map.of("authorization", "Bearer sk-bench"), HttpStreamTarget.openAi("bench-model"));
      case "openai" -> new HttpStreamTarget("llmgate openai", client, cfg.llmgatePort, "/v1/chat/completions",
          run -> Map.of("authorization", "Bearer " + token.apply(run)), HttpStreamTarget.openAi(cfg.model));
      case "sse" -> new HttpStreamTarget("llmgate sse", client, cfg.llmgatePort, "/v1/streams",
          run -> Map.of("authorization", "Bearer " + token.apply(run)), HttpStreamTarget.llmgate(cfg.provider));
      case "socketio" -> new SocketIoTarget("llmgate socketio", vertx, ws, cfg.llmgatePort, cfg.provider,
          token, false);
      case "socketio-disconnect" -> new SocketIoTarget("llmgate socketio (disconnect)", vertx, ws, cfg.llmgatePort,
          cfg.provider, token, true);
      case "portkey" -> new HttpStreamTarget("portkey openai", client, cfg.portkeyPort, "/v1/chat/completions",
          run -> Map.of("authorization", "Bearer sk-bench", "x-portkey-provider", "openai",
              "x-portkey-custom-host", "http://127.0.0.1:" + cfg.upstreamPort + "/v1"),
          HttpStreamTarget.openAi("bench-model"));
      default -> throw new IllegalArgumentException("target: " + name);
    };
  }

  boolean available(String name) {
    String base = name.startsWith("socketio") ? "socketio" : name;
    return (!name.startsWith("portkey") || cfg.portkeyPort > 0)
        && (base.equals("direct") || cfg.targets.contains(base));
  }

  // ---- driving streams ----

  Context loop() {
    return loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
  }

  Run newRun(Recorder recorder, int cancelAfter) {
    return new Run("b" + ProcessHandle.current().pid() + "-" + ids.incrementAndGet(), recorder, cancelAfter);
  }

  private static String prompt(Run run, Spec spec) {
    return "bench id=" + run.id + " frames=" + spec.frames() + " interval=" + spec.intervalMs();
  }

  /** Starts {@code run} on an event loop, ending it as failed if it is not over by {@code deadlineMs}. */
  private void launch(Context context, Target target, Run run, Spec spec, long deadlineMs) {
    context.runOnContext(v -> begin(target, run, spec, deadlineMs));
  }

  /** {@link #launch} on the current event loop. */
  void begin(Target target, Run run, Spec spec, long deadlineMs) {
    long timer = vertx.setTimer(deadlineMs, t -> {
      run.cancel.run();
      run.end(false, "deadline");
    });
    run.future().onComplete(done -> vertx.cancelTimer(timer));
    target.start(run, prompt(run, spec));
  }

  /** {@code concurrency} clients each run streams back to back until {@code total} have run. */
  List<Run> closedLoop(Target target, int concurrency, int total, Spec spec, int cancelAfter, Recorder rec) {
    List<Run> runs = new CopyOnWriteArrayList<>();
    AtomicInteger started = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    AtomicInteger finished = new AtomicInteger();
    long deadline = 30_000 + spec.frames() * Math.max(1, spec.intervalMs()) * 3;
    for (int w = 0; w < concurrency; w++) {
      Context context = loop();
      context.runOnContext(v -> next(context, target, spec, cancelAfter, rec, total, started, finished, runs, all, deadline));
    }
    await(all.future(), total * deadline);
    return runs;
  }

  private void next(Context context, Target target, Spec spec, int cancelAfter, Recorder rec, int total,
      AtomicInteger started, AtomicInteger finished, List<Run> runs, Promise<Void> all, long deadline) {
    if (started.incrementAndGet() > total) {
      return;
    }
    Run run = newRun(rec, cancelAfter);
    runs.add(run);
    run.future().onComplete(done -> {
      if (finished.incrementAndGet() == total) {
        all.complete();
      } else {
        next(context, target, spec, cancelAfter, rec, total, started, finished, runs, all, deadline);
      }
    });
    launch(context, target, run, spec, deadline);
  }

  // ---- phases ----

  private void runAll() throws Exception {
    header();
    Map<String, Runnable> phases = new LinkedHashMap<>();
    phases.put("warm-up", this::warmup);
    phases.put("latency", this::latency);
    phases.put("ladder", this::ladder);
    phases.put("capacity", this::capacity);
    phases.put("cancel", this::cancel);
    phases.put("throughput", this::throughput);
    Burst burst = new Burst(this);
    phases.put("burst", burst::warm);
    Cluster cluster = new Cluster(this);
    phases.put("cluster-cost", cluster::cost);
    phases.put("cluster-ladder", cluster::ladder);
    phases.put("cluster-resume", cluster::resume);
    phases.put("cold", burst::cold); // last: it leaves a freshly restarted llmgate behind
    Map<String, String> outcomes = new LinkedHashMap<>();
    phases.forEach((name, phase) -> {
      boolean asked = cfg.phases.contains(name) || name.startsWith("cluster-") && cfg.phases.contains("cluster");
      if (name.equals("warm-up") ? cfg.warmupSeconds > 0 : asked) {
        outcomes.put(name, runPhase(name, phase));
      }
    });
    summary(outcomes);
    if (!cfg.out.isEmpty()) {
      Files.writeString(Path.of(cfg.out), report.toString());
    }
  }

  /**
   * Runs one phase; a phase that throws (a deadline passed on a loaded machine, a process that stopped
   * answering) prints its error and lets the next phases run. What is left of its streams ends on their own
   * deadlines. Returns "ok" or the error.
   */
  private String runPhase(String name, Runnable phase) {
    long start = System.nanoTime();
    System.out.println("== phase " + name + " (load average " + loadAverage() + ")");
    try {
      phase.run();
      return "ok";
    } catch (Exception e) { // Future.await rethrows checked causes (a refused connection) unchecked
      String error = String.valueOf(e.getMessage());
      if (e.getCause() != null && !error.contains(String.valueOf(e.getCause().getMessage()))) {
        error += " (" + e.getCause() + ")";
      }
      print("\n**Phase " + name + " failed** after " + ms(System.nanoTime() - start) + ": " + error + "\n");
      e.printStackTrace();
      return "failed: " + error;
    }
  }

  private void summary(Map<String, String> outcomes) {
    print("\n### Phases (load average at the end: " + loadAverage() + ")\n");
    print("| phase | outcome |");
    print("|---|---|");
    outcomes.forEach((name, outcome) -> print("| " + name + " | " + (outcome.equals("ok") ? "ok" : "**" + outcome + "**") + " |"));
    long failed = outcomes.values().stream().filter(o -> !o.equals("ok")).count();
    if (failed > 0) {
      print("\n" + failed + " of " + outcomes.size() + " phases failed; their tables above are partial or missing.");
    }
  }

  /** The 1, 5 and 15 minute load averages, to tell how busy the shared machine was. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private void header() {
    print("Load generator: this JVM (pid " + selfPid + "), " + cfg.loops + " event loops"
        + (vertx.isNativeTransportEnabled() ? " on native epoll" : " on NIO") + "; fake upstream pid "
        + cfg.upstreamPid + "; llmgate pid " + llmgatePid + (portkeyPid > 0 ? "; Portkey pid " + portkeyPid : "")
        + ". CPU is CPU-seconds per second (1.00 = one core busy).\n");
  }

  /**
   * Every gateway path, its connection setup and its token path, for {@code bench.warmup.seconds} before
   * anything is measured, so that every row compares JIT-compiled steady states (Node's and the JVM's
   * alike). A cold JVM spends a core on its compiler threads for the first minute: async-profiler put
   * 40% of llmgate's CPU in C1/C2 during a 40-second ladder. Nothing is recorded.
   */
  private void warmup() {
    if (cfg.warmupSeconds <= 0) {
      return;
    }
    List<String> names = new ArrayList<>(List.of("socketio", "sse", "openai", "portkey"));
    names.removeIf(n -> !available(n));
    Proc.Meter meter = new Proc.Meter(llmgatePid, cfg.upstreamPid, selfPid);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(cfg.warmupSeconds);
    int rounds = 0;
    while (System.nanoTime() < deadline) {
      for (String name : names) {
        closedLoop(target(name), 50, 500, new Spec(20, 0), 0, new Recorder()); // connection setup
        closedLoop(target(name), 20, 40, new Spec(1000, 0), 0, new Recorder()); // the token path
      }
      rounds++;
    }
    print("Warm-up: " + cfg.warmupSeconds + " s (" + rounds + " rounds over " + String.join(", ", names)
        + ", not recorded); llmgate used " + cores(meter.cores(0)) + " cores during it.\n");
  }

  private void latency() {
    List<String> names = new ArrayList<>(List.of("direct", "openai", "sse", "socketio", "portkey"));
    names.removeIf(n -> !available(n));
    Map<String, Recorder> recorders = new LinkedHashMap<>();
    Map<String, double[]> cpu = new HashMap<>();
    names.forEach(n -> recorders.put(n, new Recorder()));
    // Warm-up: JIT and connection pools, not recorded.
    for (String name : names) {
      closedLoop(target(name), cfg.latConcurrency, cfg.latConcurrency * 2, cfg.latSpec, 0, new Recorder());
    }
    for (int round = 0; round < cfg.rounds; round++) {
      for (String name : names) {
        Proc.Meter meter = new Proc.Meter(gatewayPid(name), cfg.upstreamPid, selfPid);
        List<Run> runs = closedLoop(target(name), cfg.latConcurrency, cfg.latStreams, cfg.latSpec, 0, recorders.get(name));
        double[] c = cpu.computeIfAbsent(name, k -> new double[3]);
        c[0] += meter.cores(0) / cfg.rounds;
        c[1] += meter.cores(1) / cfg.rounds;
        c[2] += meter.cores(2) / cfg.rounds;
        long failed = runs.stream().filter(r -> !r.ok).count();
        if (failed > 0) {
          print("  " + name + ": " + failed + " of " + runs.size() + " streams failed, e.g. "
              + runs.stream().filter(r -> !r.ok).findFirst().map(r -> r.failure).orElse(""));
        }
      }
    }
    Recorder direct = recorders.get("direct");
    print("\n### Added latency (" + cfg.latConcurrency + " concurrent streams, " + cfg.latStreams * cfg.rounds
        + " streams of " + cfg.latSpec.frames() + " frames every " + cfg.latSpec.intervalMs() + " ms per target)\n");
    print("| path | TTFT p50 | TTFT p99 | added TTFT p50 | added TTFT p99 | gap p50 | gap p99 | added gap p50 | added gap p99"
        + " | frame latency p50 | p99 | added p50 | added p99 | CPU gateway | CPU upstream | CPU loadgen |");
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (String name : names) {
      Recorder r = recorders.get(name);
      double[] c = cpu.get(name);
      print("| " + target(name).name() + " | " + us(r.ttft.percentile(50)) + " | " + us(r.ttft.percentile(99)) + " | "
          + added(r.ttft, direct.ttft, 50) + " | " + added(r.ttft, direct.ttft, 99) + " | "
          + us(r.gaps.percentile(50)) + " | " + us(r.gaps.percentile(99)) + " | "
          + added(r.gaps, direct.gaps, 50) + " | " + added(r.gaps, direct.gaps, 99) + " | "
          + us(r.frameLatency.percentile(50)) + " | " + us(r.frameLatency.percentile(99)) + " | "
          + added(r.frameLatency, direct.frameLatency, 50) + " | " + added(r.frameLatency, direct.frameLatency, 99) + " | "
          + (name.equals("direct") ? "–" : cores(c[0])) + " | " + cores(c[1]) + " | " + cores(c[2]) + " |");
    }
    if (recorders.containsKey("portkey") && recorders.containsKey("openai")) {
      long ours = recorders.get("openai").ttft.percentile(99) - direct.ttft.percentile(99);
      long theirs = recorders.get("portkey").ttft.percentile(99) - direct.ttft.percentile(99);
      long ours50 = recorders.get("openai").ttft.percentile(50) - direct.ttft.percentile(50);
      long theirs50 = recorders.get("portkey").ttft.percentile(50) - direct.ttft.percentile(50);
      print("\nAdded TTFT, Portkey ÷ llmgate (same OpenAI API, same clients): p50 " + ratio(theirs50, ours50)
          + ", p99 " + ratio(theirs, ours));
    }
  }

  private void ladder() {
    ladderHeader("Concurrency ladder", cfg.ladderSpec);
    for (String name : cfg.ladderTargets) {
      if (!available(name)) {
        continue;
      }
      closedLoop(target(name), 50, 100, new Spec(10, 10), 0, new Recorder()); // warm-up
      for (int n : cfg.ladder) {
        double sustained = ladderStep(name, n, cfg.ladderSpec);
        if (sustained < 0.5 && n != cfg.ladder.get(cfg.ladder.size() - 1)) {
          print("| " + target(name).name() + " | > " + n + " | not tried: under half sustained at " + n
              + " | | | | | | | | | | |");
          break;
        }
        pause(2000);
      }
    }
  }

  /**
   * How many concurrent Socket.IO streams llmgate holds when the frame rate is not what limits them: the same
   * steps as the ladder with fewer frames per second per stream, so that the whole machine's loopback
   * traffic (upstream, gateway and load generator share 2 cores) stays near what the ladder's 1,000-stream
   * step carries. The direct baseline runs the same steps. 8,000 is the top step by default because the
   * gateway holds two sockets per stream and the machine's hard limit is 20,000 open files.
   */
  private void capacity() {
    ladderHeader("Capacity", cfg.capacitySpec);
    for (String name : List.of("direct", "socketio")) {
      if (!available(name)) {
        continue;
      }
      for (int n : cfg.capacity) {
        ladderStep(name, n, cfg.capacitySpec);
        pause(2000);
      }
    }
  }

  private void ladderHeader(String title, Spec spec) {
    print("\n### " + title + " (" + spec.frames() + " frames every " + spec.intervalMs()
        + " ms per stream, started over " + cfg.rampMs + " ms; a stall is a wait over "
        + 10 * spec.intervalMs() + " ms for the first token or between two)\n");
    print("| path | streams | sustained (no stall, completed) | stalled | failed | worst gap | TTFT p99 | gap p99 "
        + "| CPU gateway | CPU upstream | CPU loadgen | gateway RSS | gateway heap |");
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  }

  /** Runs one step; the share of streams sustained. */
  private double ladderStep(String name, int n, Spec spec) {
    Target target = target(name);
    Recorder rec = new Recorder();
    Proc.Meter meter = new Proc.Meter(gatewayPid(name), cfg.upstreamPid, selfPid);
    long[] memory = {0, 0};
    vertx.setTimer(cfg.rampMs + spec.frames() * spec.intervalMs() / 2, t -> {
      memory[0] = Proc.rssBytes(gatewayPid(name));
      if (!name.equals("portkey") && !name.equals("direct")) {
        heapUsed().onSuccess(h -> memory[1] = h);
      }
    });
    Step step = ramp(target, n, spec, rec);
    print("| " + target.name() + " | " + n + " | " + step.sustainedCell() + " | " + step.stalled() + " | "
        + step.failed() + " | " + ms(step.worstGapNanos()) + " | " + ms(rec.ttft.percentile(99)) + " | "
        + ms(rec.gaps.percentile(99)) + " | " + cores(meter.cores(0)) + " | " + cores(meter.cores(1)) + " | "
        + cores(meter.cores(2)) + " | " + mb(memory[0]) + " | "
        + (name.equals("portkey") || name.equals("direct") ? "–" : mb(memory[1])) + " |");
    step.printFailure(this);
    return step.share();
  }

  /** What a ladder step's streams did: sustained = completed with no wait over ten frame intervals. */
  record Step(int n, long failed, long stalled, long worstGapNanos, String failure) {
    long sustained() {
      return n - failed - stalled;
    }

    double share() {
      return (double) sustained() / n;
    }

    String sustainedCell() {
      return sustained() + (sustained() == n ? " ✓" : "");
    }

    void printFailure(Load load) {
      if (failed > 0) {
        load.print("  (" + failed + " failed, e.g. " + failure + ")");
      }
    }
  }

  /** {@code n} streams of {@code target} started evenly over the ramp; waits until all have ended. */
  Step ramp(Target target, int n, Spec spec, Recorder rec) {
    long deadline = cfg.rampMs + spec.frames() * spec.intervalMs() * 3 + 30_000;
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Run run = newRun(rec, 0);
      runs.add(run);
      Context context = loop();
      long delay = 1 + (long) i * cfg.rampMs / n;
      context.runOnContext(v -> vertx.setTimer(delay, t -> launch(context, target, run, spec, deadline)));
    }
    await(Future.join(runs.stream().map(Run::future).toList()), deadline + 10_000);
    long stallNanos = 10 * spec.intervalMs() * 1_000_000;
    long failed = runs.stream().filter(r -> !r.ok).count();
    long stalled = runs.stream().filter(r -> r.ok && (r.maxGapNanos > stallNanos
        || r.firstTokenNanos - r.startNanos > stallNanos)).count();
    long worst = runs.stream().mapToLong(r -> r.maxGapNanos).max().orElse(0);
    String failure = runs.stream().filter(r -> !r.ok).findFirst().map(r -> r.failure).orElse("");
    return new Step(n, failed, stalled, worst, failure);
  }

  private void cancel() {
    List<String> names = new ArrayList<>(List.of("direct", "socketio", "socketio-disconnect", "sse", "openai", "portkey"));
    names.removeIf(n -> !available(n));
    Spec spec = new Spec(1000, 20);
    print("\n### Cancel → upstream connection closed (" + cfg.cancelStreams + " streams per path, cancelled after "
        + "3 tokens, " + cfg.cancelConcurrency + " at a time; measured at the fake upstream)\n");
    print("| path | how | p50 | p99 | max | upstream never closed (5 s) |");
    print("|---|---|---|---|---|---|");
    for (String name : names) {
      upstreamClosed(); // forget earlier closes
      List<Run> runs = closedLoop(target(name), cfg.cancelConcurrency, cfg.cancelStreams, spec, 3, new Recorder());
      Map<String, Long> closed = new HashMap<>();
      for (int waited = 0; waited < 5_000; waited += 250) {
        upstreamClosed().forEach(closed::put);
        if (runs.stream().filter(r -> r.cancelNanos > 0).allMatch(r -> closed.containsKey(r.id))) {
          break;
        }
        pause(250);
      }
      Samples latency = new Samples();
      long missing = 0;
      for (Run run : runs) {
        Long at = closed.get(run.id);
        if (run.cancelNanos == 0) {
          missing++;
        } else if (at == null) {
          missing++;
        } else {
          latency.add(at - run.cancelNanos);
        }
      }
      String how = switch (name) {
        case "socketio" -> "`llm:stream:cancel`";
        case "direct" -> "client closes the connection (baseline)";
        default -> "client disconnects";
      };
      print("| " + target(name).name() + " | " + how + " | " + ms(latency.percentile(50)) + " | "
          + ms(latency.percentile(99)) + " | " + ms(latency.percentile(100)) + " | " + missing + " |");
    }
  }

  private void throughput() {
    List<String> names = new ArrayList<>(List.of("direct", "socketio", "sse", "openai", "portkey"));
    names.removeIf(n -> !available(n));
    Spec spec = new Spec(cfg.tputFrames, 0);
    print("\n### Throughput at saturation (" + cfg.tputStreams + " streams of " + cfg.tputFrames
        + " frames, the upstream writing as fast as it is read)\n");
    print("| path | tokens/s relayed | gateway CPU | tokens/s per gateway core | bytes allocated per token "
        + "| CPU upstream | CPU loadgen |");
    print("|---|---|---|---|---|---|---|");
    for (String name : names) {
      closedLoop(target(name), 20, 20, new Spec(cfg.tputFrames / 2, 0), 0, new Recorder()); // warm-up
      Recorder rec = new Recorder();
      boolean ours = !name.equals("direct") && !name.startsWith("portkey");
      long allocatedBefore = ours ? allocated() : 0;
      Proc.Meter meter = new Proc.Meter(gatewayPid(name), cfg.upstreamPid, selfPid);
      long start = System.nanoTime();
      closedLoop(target(name), cfg.tputStreams, cfg.tputStreams, spec, 0, rec);
      long allocatedBytes = ours ? allocated() - allocatedBefore : 0;
      double seconds = (System.nanoTime() - start) / 1e9;
      double perSecond = rec.tokens.get() / seconds;
      double gatewayCores = meter.cores(0);
      print("| " + target(name).name() + " | " + String.format(Locale.ROOT, "%,.0f", perSecond) + " | "
          + (name.equals("direct") ? "–" : cores(gatewayCores)) + " | "
          + (name.equals("direct") ? "–" : String.format(Locale.ROOT, "%,.0f", perSecond / gatewayCores)) + " | "
          + (ours ? String.format(Locale.ROOT, "%,d", allocatedBytes / Math.max(1, rec.tokens.get())) : "–") + " | "
          + cores(meter.cores(1)) + " | " + cores(meter.cores(2)) + " |");
    }
  }

  // ---- helpers ----

  long gatewayPid(String name) {
    return name.startsWith("portkey") ? portkeyPid : name.equals("direct") ? cfg.upstreamPid : llmgatePid;
  }

  /** Bytes llmgate allocated so far (young-generation growth seen at each GC), from its /metrics. */
  private long allocated() {
    for (String line : get(cfg.llmgatePort, "/metrics").split("\n")) {
      if (line.startsWith("jvm_gc_memory_allocated_bytes_total")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /** Heap in use, from llmgate's own /metrics; asked from an event loop, so it never blocks. */
  private Future<Long> heapUsed() {
    return http.request(HttpMethod.GET, cfg.llmgatePort, "127.0.0.1", "/metrics")
        .compose(r -> r.send()).compose(r -> r.body()).map(body -> {
          long sum = 0;
          for (String line : body.toString().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
              sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
          }
          return sum;
        });
  }

  /** {@code id → nanoTime} of the streams whose connection the fake upstream saw close since last asked. */
  private Map<String, Long> upstreamClosed() {
    Map<String, Long> closed = new HashMap<>();
    for (String line : get(cfg.upstreamPort, "/bench/closed").split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        closed.put(line.substring(0, space), Long.parseLong(line.substring(space + 1).trim()));
      }
    }
    return closed;
  }

  String get(int port, String path) {
    return get(http, port, path);
  }

  static String get(HttpClient client, int port, String path) {
    return await(client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(r -> r.send()).compose(r -> r.body()), 10_000).toString();
  }

  void print(String line) {
    System.out.println(line);
    System.out.flush();
    report.append(line).append('\n');
  }

  /** Waits for {@code future}; fails loudly after {@code ms}, so no phase hangs (the phase fails, not the run). */
  static <T> T await(Future<T> future, long ms) {
    try {
      return future.await(ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no answer within " + ms + " ms", e);
    }
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String added(Samples via, Samples direct, double p) {
    if (via.size() == 0 || direct.size() == 0) {
      return "–";
    }
    return us(via.percentile(p) - direct.percentile(p));
  }

  static String us(long nanos) {
    if (nanos == -1) {
      return "–";
    }
    double us = nanos / 1000.0;
    return Math.abs(us) >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", us / 1000)
        : Math.abs(us) >= 1000 ? String.format(Locale.ROOT, "%.2f ms", us / 1000)
        : String.format(Locale.ROOT, "%.0f µs", us);
  }

  static String ms(long nanos) {
    return nanos < 0 ? "–" : String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  static String mb(long bytes) {
    return bytes <= 0 ? "–" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
  }

  static String cores(double cores) {
    return String.format(Locale.ROOT, "%.2f", cores);
  }

  static String ratio(long theirs, long ours) {
    if (ours <= 0) {
      return theirs > 0 ? "∞ (llmgate adds ≤ 0 at this percentile)" : "–";
    }
    return String.format(Locale.ROOT, "%.0f×", (double) theirs / ours);
  }
}
