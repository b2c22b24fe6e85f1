package io.llmgate.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The burst phases: N streams started at once, each from its own user (its own JWT {@code sub}) on a new
 * connection, as after a deploy or when every client of a restarted node reconnects. TTFT runs from the
 * moment the client began to connect, so it holds the connection set-up (and for Socket.IO the handshake
 * and CONNECT) the user waits through. {@code warm} runs after the warm-up; {@code cold} restarts each
 * gateway and bursts {@code bench.cold.delay} (5 s) after its process started, with no warm-up.
 */
final class Burst {
  private static final List<String> GATEWAYS = List.of("socketio", "sse", "openai", "portkey");
  private static final long STALL_NANOS = 200_000_000;
  private static final long LONG_STALL_NANOS = 1_000_000_000;
  /** Streams of the unrecorded burst that warms the load generator's own client code for a path. */
  private static final int PRIME_STREAMS = 50;
  /** HotSpot's JIT compiler threads, as /proc names them. */
  private static final String[] COMPILER_THREADS = {"C1 CompilerThre", "C2 CompilerThre"};

  private final Load load;
  private final Load.Config cfg;
  private final HttpClient queries;

  Burst(Load load) {
    this.load = load;
    this.cfg = load.cfg;
    // Not the load generator's kept-alive pool: a pooled connection the upstream has closed fails the query.
    this.queries = load.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  /** What one burst did. */
  record Outcome(String path, int n, Recorder rec, long failed, long stalls, long longStalls, long worstNanos,
      long spreadNanos, double[] cpu, long jitNanos, long upstreamOpened, String failure, String ready) {}

  void warm() {
    GATEWAYS.stream().filter(load::available).forEach(this::prime);
    phase("Burst, warm", "after the warm-up", cfg.burst, List.of(""));
  }

  void cold() {
    if (cfg.restart.isEmpty()) {
      throw new IllegalStateException("the cold phase restarts the gateways: it needs bench.restart (bench/run.sh sets it)");
    }
    phase("Burst, cold", "each gateway restarted, the burst " + cfg.coldDelayMs + " ms after its process started"
        + " (or once it is ready, if later), no warm-up by the load generator; the fake upstream stays warm",
        cfg.cold, cfg.coldVariants);
  }

  /**
   * For each size: the direct baseline, then each gateway path. {@code variants} empty-named: the running
   * gateways; else llmgate is restarted as each variant before each of its paths, and Portkey once.
   */
  private void phase(String title, String when, List<Integer> sizes, List<String> variants) {
    header(title, when);
    boolean cold = !variants.get(0).isEmpty();
    List<String> ratios = new ArrayList<>();
    for (int n : sizes) {
      prime("direct");
      Outcome direct = burst("direct", n, "", "");
      row(direct, direct);
      Map<String, Outcome> outcomes = new LinkedHashMap<>();
      for (String variant : variants) {
        for (String name : GATEWAYS) {
          boolean portkey = name.equals("portkey");
          if (!load.available(name) || (portkey && !variant.equals(variants.get(variants.size() - 1)))) {
            continue;
          }
          String ready = "";
          if (cold) {
            prime(name); // on the process about to be replaced: only the load generator keeps what it warms
            ready = restart(portkey ? "portkey" : "llmgate", variant);
          } else {
            Load.pause(2000); // the previous burst's connections close
          }
          String shown = portkey || !cold ? "" : variant;
          outcomes.put(name + (shown.isEmpty() ? "" : " (" + shown + ")"), row(burst(name, n, ready, shown), direct));
        }
      }
      ratios.add(ratios(n, direct, outcomes));
    }
    ratios.forEach(line -> load.print(line));
  }

  /**
   * An unrecorded burst, so that the load generator's own code for {@code name} (its WebSocket or HTTP
   * client, its parsing) is compiled before it measures: otherwise the first recorded burst would time
   * the load generator's JIT as well as the gateway's.
   */
  private void prime(String name) {
    try {
      burst(name, PRIME_STREAMS, "", "", false);
    } catch (RuntimeException e) {
      load.print("  (warming the load generator on " + name + " failed: " + e.getMessage() + ")");
    }
    Load.pause(1000);
  }

  private void header(String title, String when) {
    load.print("\n### " + title + " (" + cfg.burstSpec.frames() + " frames every " + cfg.burstSpec.intervalMs()
        + " ms per stream, each its own user on a new connection, started within " + cfg.burstWindowMs + " ms; "
        + when + "; TTFT from the start of connecting; a stall is a wait over 200 ms for the first token or between"
        + " two; load average " + Load.loadAverage() + ")\n");
    load.print("| path | streams | ready after | started within | completed | failed | TTFT p50 | TTFT p99 | added TTFT p50"
        + " | added TTFT p99 | connecting p50 | to upstream p50 | first token through p50 | upstream connections opened | stalls > 200 ms | stalls > 1 s | worst wait | CPU gateway | gateway CPU"
        + " per stream | JIT share | CPU upstream | CPU loadgen |");
    load.print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  }

  /**
   * Runs {@code n} streams of {@code name}, each its own user on a new connection, started within the window;
   * {@code variant} names the llmgate variant running, if not the default.
   */
  private Outcome burst(String name, int n, String ready, String variant) {
    return burst(name, n, ready, variant, true);
  }

  private Outcome burst(String name, int n, String ready, String variant, boolean recorded) {
    // A fresh pool that keeps nothing: every HTTP stream opens its own connection, as a new client does.
    HttpClient fresh = load.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true)
        .setConnectTimeout(30_000), new PoolOptions().setHttp1MaxSize(n + 16).setMaxWaitQueueSize(-1));
    Recorder rec = new Recorder();
    Map<String, String> tokens = new ConcurrentHashMap<>();
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Run run = load.newRun(rec, 0);
      tokens.put(run.id, Jwt.sign(cfg.secret, "burst-user-" + run.id)); // signed before the clock starts
      runs.add(run);
    }
    Target target = load.target(name, fresh, run -> tokens.get(run.id));
    boolean profiled = recorded && !name.equals("direct") && !name.equals("portkey") && !cfg.burstHook.isEmpty();
    String label = (ready.isEmpty() ? "warm-" : "cold-") + name + (variant.isEmpty() ? "" : "-" + variant) + "-" + n;
    if (profiled) {
      runScript(cfg.burstHook, "start", label, String.valueOf(load.gatewayPid(name)));
    }
    long deadline = cfg.burstSpec.frames() * cfg.burstSpec.intervalMs() * 3 + 30_000;
    long acceptedStart = upstreamAccepted();
    Proc.Meter meter = new Proc.Meter(load.gatewayPid(name), cfg.upstreamPid, load.selfPid);
    boolean llmgate = !name.equals("direct") && !name.equals("portkey");
    long jitStart = llmgate ? Proc.threadCpuNanos(load.gatewayPid(name), COMPILER_THREADS) : 0;
    Map<Context, List<Integer>> byLoop = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      byLoop.computeIfAbsent(load.loop(), c -> new ArrayList<>()).add(i);
    }
    byLoop.forEach((context, indexes) -> context.runOnContext(v -> {
      for (int i : indexes) {
        Run run = runs.get(i);
        load.vertx.setTimer(1 + (long) i * cfg.burstWindowMs / n, t -> {
          run.launchNanos = System.nanoTime();
          load.begin(target, run, cfg.burstSpec, deadline);
        });
      }
    }));
    try {
      Load.await(Future.join(runs.stream().map(Run::future).toList()), deadline + 10_000);
    } finally {
      fresh.close();
      if (profiled) {
        runScript(cfg.burstHook, "stop", label, String.valueOf(load.gatewayPid(name)));
      }
    }
    long jit = llmgate ? Proc.threadCpuNanos(load.gatewayPid(name), COMPILER_THREADS) - jitStart : -1;
    long acceptedEnd = upstreamAccepted();
    // Each query is one connection of its own, counted before it is answered: the second is the burst's + 1.
    long opened = acceptedStart < 0 || acceptedEnd < 0 ? -1 : acceptedEnd - acceptedStart - 1;
    return outcome(variant.isEmpty() ? name : name + " (" + variant + ")", n, rec, runs, meter, jit, opened, ready);
  }

  /**
   * Connections the fake upstream has accepted (-1 if it cannot say). A gateway whose pool already holds enough
   * idle upstream connections opens none in a burst; one that must grow it pays a connect per stream, and since
   * llmgate's paths share one pool, the first llmgate path at each size is the one that grows it.
   */
  private long upstreamAccepted() {
    try {
      return Long.parseLong(Load.get(queries, cfg.upstreamPort, "/bench/accepted").trim());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static Outcome outcome(String name, int n, Recorder rec, List<Run> runs, Proc.Meter meter, long jitNanos,
      long upstreamOpened, String ready) {
    long now = System.nanoTime();
    long failed = runs.stream().filter(r -> !r.ok).count();
    List<Run> done = runs.stream().filter(r -> r.ok).toList();
    long stalls = done.stream().filter(r -> r.worstWaitNanos(now) > STALL_NANOS).count();
    long longStalls = done.stream().filter(r -> r.worstWaitNanos(now) > LONG_STALL_NANOS).count();
    long worst = runs.stream().mapToLong(r -> r.worstWaitNanos(now)).max().orElse(0);
    long first = runs.stream().mapToLong(r -> r.launchNanos).filter(t -> t > 0).min().orElse(0);
    long last = runs.stream().mapToLong(r -> r.launchNanos).max().orElse(0);
    String failure = runs.stream().filter(r -> !r.ok).findFirst().map(r -> r.failure).orElse("");
    return new Outcome(name, n, rec, failed, stalls, longStalls, worst, last - first,
        new double[] {meter.cores(0), meter.cores(1), meter.cores(2), meter.cpuNanosSince(0) / (double) n}, jitNanos,
        upstreamOpened, failure, ready);
  }

  private Outcome row(Outcome o, Outcome direct) {
    Samples ttft = o.rec().ttftFromConnect;
    Samples base = direct.rec().ttftFromConnect;
    load.print("| " + pathName(o.path()) + " | " + o.n() + " | " + (o.ready().isEmpty() ? "–" : o.ready()) + " | "
        + Load.ms(o.spreadNanos()) + " | " + (o.n() - o.failed()) + (o.failed() == 0 ? " ✓" : "") + " | " + o.failed()
        + " | " + Load.us(ttft.percentile(50)) + " | " + Load.us(ttft.percentile(99)) + " | "
        + (o == direct ? "–" : Load.added(ttft, base, 50)) + " | " + (o == direct ? "–" : Load.added(ttft, base, 99))
        + " | " + Load.us(o.rec().connecting.percentile(50)) + " | " + Load.us(o.rec().toUpstream.percentile(50))
        + " | " + Load.us(o.rec().firstTokenThrough.percentile(50)) + " | " + (o.upstreamOpened() < 0 ? "–" : o.upstreamOpened())
        + " | " + o.stalls() + " | " + o.longStalls() + " | "
        + Load.ms(o.worstNanos()) + " | " + (o == direct ? "–" : Load.cores(o.cpu()[0])) + " | "
        + (o == direct ? "–" : Load.us((long) o.cpu()[3])) + " | " + jitShare(o) + " | "
        + Load.cores(o.cpu()[1]) + " | " + Load.cores(o.cpu()[2]) + " |");
    if (o.failed() > 0) {
      load.print("  (" + o.failed() + " failed, e.g. " + o.failure() + ")");
    }
    return o;
  }

  /** llmgate's JIT compiler threads' part of its CPU during the burst ("–" for the other processes). */
  private static String jitShare(Outcome o) {
    double cpu = o.cpu()[3] * o.n();
    return o.jitNanos() < 0 || cpu <= 0 ? "–"
        : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * o.jitNanos() / cpu);
  }

  private static String pathName(String name) {
    return switch (name) {
      case "direct" -> "direct";
      case "portkey" -> "portkey openai";
      default -> "llmgate " + name;
    };
  }

  /** Portkey's added TTFT over each llmgate path's (and variant's). */
  private static String ratios(int n, Outcome direct, Map<String, Outcome> outcomes) {
    Outcome portkey = outcomes.get("portkey");
    if (portkey == null) {
      return "";
    }
    StringBuilder line = new StringBuilder("\n" + n + " at once, added TTFT, Portkey ÷ llmgate:");
    outcomes.forEach((name, ours) -> {
      if (ours != portkey) {
        line.append(' ').append(name).append(" p50 ").append(ratio(portkey, ours, direct, 50))
            .append(", p99 ").append(ratio(portkey, ours, direct, 99)).append(';');
      }
    });
    return line.toString();
  }

  private static String ratio(Outcome theirs, Outcome ours, Outcome direct, double p) {
    long base = direct.rec().ttftFromConnect.percentile(p);
    return Load.ratio(theirs.rec().ttftFromConnect.percentile(p) - base, ours.rec().ttftFromConnect.percentile(p) - base);
  }

  /**
   * Restarts {@code gateway} (for llmgate, as {@code variant}: see bench/run.sh) with the run's script, waits until it is ready ({@code /readyz} for llmgate,
   * any answer for Portkey) and until {@code bench.cold.delay} after its start; returns how long readiness took.
   */
  private String restart(String gateway, String variant) {
    long started = System.nanoTime();
    long pid = Long.parseLong(runScript(cfg.restart, gateway, variant).trim());
    if (gateway.equals("llmgate")) {
      load.llmgatePid = pid;
    } else {
      load.portkeyPid = pid;
    }
    int port = gateway.equals("llmgate") ? cfg.llmgatePort : cfg.portkeyPort;
    String path = gateway.equals("llmgate") ? "/readyz" : "/";
    long readyNanos = 0;
    while (readyNanos == 0) {
      if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(120)) {
        throw new IllegalStateException(gateway + " not ready 120 s after its restart");
      }
      if (answers(port, path, gateway.equals("llmgate"))) {
        readyNanos = System.nanoTime() - started;
      } else {
        Load.pause(20);
      }
    }
    long wait = TimeUnit.MILLISECONDS.toNanos(cfg.coldDelayMs) - (System.nanoTime() - started);
    if (wait > 0) {
      Load.pause(TimeUnit.NANOSECONDS.toMillis(wait));
    }
    return Load.ms(readyNanos).replace(" ms", "") + " ms";
  }

  private static String runScript(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** True when {@code port} answers {@code path} (with 200, if {@code needOk}) within a second. */
  private boolean answers(int port, String path, boolean needOk) {
    try {
      int status = Load.await(load.http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
          .setPort(port).setURI(path).setTimeout(1000)).compose(r -> r.send()).compose(r -> r.body().map(b -> r.statusCode())),
          2000);
      return !needOk || status == 200;
    } catch (Exception e) { // Future.await rethrows the refused connection of a process still starting
      return false;
    }
  }
}
