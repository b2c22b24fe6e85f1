#!/usr/bin/env bash
# The benchmark in one command: builds llmgate and the load generator, installs the locked Portkey
# gateway, starts the fake upstream, llmgate and Portkey on loopback, runs the load generator in its own
# JVM, prints the tables (also saved under bench/results/), and stops everything it started.
# Settings: environment variables, see bench/README.md. Nothing here runs in the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
results=$root/bench/results
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

upstream_port=${BENCH_UPSTREAM_PORT:-18401}
llmgate_port=${BENCH_LLMGATE_PORT:-18402}
portkey_port=${BENCH_PORTKEY_PORT:-18403}
redis_port=${BENCH_REDIS_PORT:-18404}
node_a_port=${BENCH_NODE_A_PORT:-18405}
node_b_port=${BENCH_NODE_B_PORT:-18406}
# The cluster phases (cluster, or one of cluster-cost, cluster-ladder, cluster-resume) need a redis-server
# and two more llmgate nodes on it; without them in BENCH_PHASES neither is started.
with_cluster=0
if [[ ",${BENCH_PHASES:-cluster}," == *,cluster* ]]; then with_cluster=1; fi
with_portkey=${BENCH_PORTKEY:-1}
# The serial collector and a bounded heap keep the footprint small; transparent huge pages make first touches
# of heap memory cheap on this VM (see bench/README.md, "JVM settings").
llmgate_java_opts=${BENCH_LLMGATE_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx512m -XX:+UseTransparentHugePages}
llmgate_java=${BENCH_LLMGATE_JAVA:-java}
# The JDK 25 the cold phase's `jdk25` and `aot` variants run on (JEP 483/514/515's AOT cache needs 25 or later).
java25=${BENCH_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
loadgen_java_opts=${BENCH_LOADGEN_JAVA_OPTS:--Xms512m -Xmx2g -XX:+UseParallelGC}

ulimit -n "$(ulimit -Hn)"

echo "== building llmgate and the load generator"
./mvnw -B -q -DskipTests package
./mvnw -B -q -f bench/loadgen/pom.xml package
# The `aot` variants start from an AOT cache trained by the JDK 25 that runs them, with the same JVM options.
if [[ ",${BENCH_COLD_LLMGATE:-}," == *aot* ]]; then
  echo "== training llmgate's AOT cache with $java25 (target/llmgate.aot)"
  # shellcheck disable=SC2086
  "$java25" $llmgate_java_opts -XX:AOTCacheOutput=target/llmgate.aot -Xlog:aot=off -Xlog:cds=off \
    -jar target/llmgate.jar --warm-up-and-exit > /dev/null
fi
bench_jar=$root/bench/loadgen/target/llmgate-bench.jar

if [ "$with_portkey" = 1 ]; then
  echo "== installing Portkey (bench/package-lock.json)"
  (cd bench && { [ -d node_modules/@portkey-ai/gateway ] || npm ci --no-audit --no-fund --loglevel=error; })
  # A fresh install fails every request unless hono and its adapters are the pinned top-level copies.
  rm -rf bench/node_modules/@portkey-ai/gateway/node_modules/hono bench/node_modules/@portkey-ai/gateway/node_modules/@hono
fi

# A process left from an earlier run on one of the ports would answer in place of the one started here,
# and every CPU and memory reading would name the wrong process.
for port in "$upstream_port" "$llmgate_port" $([ "$with_portkey" = 1 ] && echo "$portkey_port") \
    $([ "$with_cluster" = 1 ] && echo "$redis_port $node_a_port $node_b_port"); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use (an earlier run still going?); stop that process first" >&2
    exit 1
  fi
done

pids=()
cleanup() {
  for pid in "${pids[@]}" $(cat "$results"/*-"$stamp".pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_port() { # port pid
  for _ in $(seq 1 120); do
    kill -0 "$2" 2>/dev/null || { echo "the process for port $1 exited; see bench/results/*-$stamp.log" >&2; exit 1; }
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "nothing listens on port $1 after 60 s" >&2
  exit 1
}

echo "== starting the fake upstream on $upstream_port"
# BENCH_LLMGATE_HTTP2=1: llmgate speaks HTTP/2 to the fake upstream (providers.http2), which then offers h2c.
upstream_h2c=""
http2_line=""
if [[ "${BENCH_LLMGATE_HTTP2:-0}" == 1 ]]; then
  upstream_h2c="-Dbench.upstream.h2c=true -Dbench.upstream.h2.streams=${BENCH_UPSTREAM_H2_STREAMS:-100}"
  http2_line="  http2: true"
fi
java -Xms128m -Xmx512m -XX:+UseParallelGC $upstream_h2c -cp "$bench_jar" io.llmgate.bench.FakeUpstream "$upstream_port" 1 "${BENCH_UPSTREAM_HANDSHAKE_MS:-0}" \
  > "$results/upstream-$stamp.log" 2>&1 &
upstream_pid=$!; pids+=("$upstream_pid")

secret=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
config=$results/llmgate-bench.yaml
cat > "$config" <<YAML
limits:
  messages-per-minute: 100000000
  concurrent-streams: 100000
  connections-per-user: 100000   # the load generator's clients all share one user
  max-connections: 100000
providers:
  max-connections-per-host: ${BENCH_LLMGATE_MAX_CONNECTIONS_PER_HOST:-20000}
$http2_line
  compatible:
    - name: bench
      base-url: http://127.0.0.1:$upstream_port/v1
      default-model: bench-model
      models: [bench-model]
YAML
# The same without the self-warm-up, for the cold phase's no-warmup variant.
config_no_warmup=$results/llmgate-bench-no-warmup.yaml
{ cat "$config"; printf 'warmup:\n  streams: 0\n'; } > "$config_no_warmup"

# The gateways start through one generated script, so that the load generator's cold phase can restart them
# (`gateways.sh llmgate|portkey [variant]`: stops the running one, starts a new one in the background, prints
# its pid). llmgate's variants (BENCH_COLD_LLMGATE): `default`; a name holding `no-warmup` turns the
# self-warm-up off, one holding `cds` adds the class-data archive the build made (target/llmgate.jsa), one
# holding `jdk25` runs on JDK 25, one holding `aot` on JDK 25 with the AOT cache trained above, and one
# holding `base` runs the jar BENCH_BASE_JAR instead of this build's (a before/after in one run), one holding
# `c1` compiles with C1 only (-XX:TieredStopAtLevel=1).
gateways=$results/gateways-$stamp.sh
cat > "$gateways" <<SCRIPT
#!/usr/bin/env bash
set -euo pipefail
cd "$root"
pidfile=$results/\$1-$stamp.pid
if [ -f "\$pidfile" ]; then
  old=\$(cat "\$pidfile"); kill "\$old" 2>/dev/null || true
  while kill -0 "\$old" 2>/dev/null; do sleep 0.05; done
fi
case \$1 in
  llmgate)
    config=$config
    case \${2:-default} in *no-warmup*) config=$config_no_warmup ;; esac
    archive= java=$llmgate_java jar=target/llmgate.jar
    case \${2:-default} in *cds*) archive=-XX:SharedArchiveFile=target/llmgate.jsa ;; esac
    case \${2:-default} in *jdk25*) java=$java25 ;; esac
    case \${2:-default} in *aot*) java=$java25 archive=-XX:AOTCache=target/llmgate.aot ;; esac
    case \${2:-default} in *base*) jar=${BENCH_BASE_JAR:-} ;; esac
    case \${2:-default} in *c1*) archive="\$archive -XX:TieredStopAtLevel=1" ;; esac
    echo "== llmgate \${2:-default}" >> "$results/llmgate-$stamp.log"
    LLMGATE_PORT=$llmgate_port LLMGATE_HOST=127.0.0.1 LLMGATE_JWT_SECRET=$secret LLMGATE_CONFIG=\$config \\
      \$java $llmgate_java_opts \$archive -jar "\$jar" >> "$results/llmgate-$stamp.log" 2>&1 &
    ;;
  portkey)
    (cd bench && exec node node_modules/@portkey-ai/gateway/build/start-server.js --headless --port=$portkey_port) \\
      >> "$results/portkey-$stamp.log" 2>&1 &
    ;;
esac
echo \$! > "\$pidfile"
echo \$!
SCRIPT
chmod +x "$gateways"

echo "== starting llmgate on $llmgate_port ${llmgate_java_opts:+($llmgate_java_opts)}"
llmgate_pid=$("$gateways" llmgate)

portkey_pid=0
if [ "$with_portkey" = 1 ]; then
  echo "== starting Portkey on $portkey_port"
  portkey_pid=$("$gateways" portkey)
fi

redis_pid=0 node_a_pid=0 node_b_pid=0
if [ "$with_cluster" = 1 ]; then
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null \
    || { echo "the cluster phases need redis-server and redis-cli (Debian: redis-server)" >&2; exit 1; }
  echo "== starting redis-server on $redis_port and cluster nodes A on $node_a_port, B on $node_b_port"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    > "$results/redis-$stamp.log" 2>&1 &
  redis_pid=$!; pids+=("$redis_pid")
  # The same settings as the standalone llmgate, on Redis.
  for node in a b; do
    port_var=node_${node}_port
    LLMGATE_PORT=${!port_var} LLMGATE_HOST=127.0.0.1 LLMGATE_JWT_SECRET=$secret LLMGATE_CONFIG=$config \
      LLMGATE_REDIS_URL=redis://127.0.0.1:$redis_port \
      $llmgate_java $llmgate_java_opts -jar target/llmgate.jar > "$results/llmgate-$node-$stamp.log" 2>&1 &
    pids+=("$!")
    eval "node_${node}_pid=$!"
  done
fi

wait_port "$upstream_port" "$upstream_pid"
wait_port "$llmgate_port" "$llmgate_pid"
if [ "$with_portkey" = 1 ]; then wait_port "$portkey_port" "$portkey_pid"; fi
if [ "$with_cluster" = 1 ]; then
  wait_port "$redis_port" "$redis_pid"; wait_port "$node_a_port" "$node_a_pid"; wait_port "$node_b_port" "$node_b_pid"
fi

{
  echo "# llmgate benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB,"\
    "Linux $(uname -r), $(java -version 2>&1 | head -1), Node $(node --version 2>/dev/null || echo -)."
  echo "llmgate runs on $("$llmgate_java" -version 2>&1 | head -1) with \`${llmgate_java_opts}\`."
  echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shares the cores)."
  echo
} | tee "$results/table-$stamp.md"

echo "== load generator"
# shellcheck disable=SC2086
java $loadgen_java_opts \
  -Dbench.upstream.port="$upstream_port" -Dbench.upstream.pid="$upstream_pid" \
  -Dbench.llmgate.port="$llmgate_port" -Dbench.llmgate.pid="$llmgate_pid" \
  -Dbench.portkey.port="$([ "$with_portkey" = 1 ] && echo "$portkey_port" || echo 0)" -Dbench.portkey.pid="$portkey_pid" \
  -Dbench.jwt.secret="$secret" -Dbench.out="$results/loadgen-$stamp.md" -Dbench.restart="$gateways" \
  ${BENCH_BURST_HOOK:+-Dbench.burst.hook=$BENCH_BURST_HOOK} \
  ${BENCH_PHASES:+-Dbench.phases=$BENCH_PHASES} ${BENCH_TARGETS:+-Dbench.targets=$BENCH_TARGETS} ${BENCH_LADDER:+-Dbench.ladder=$BENCH_LADDER} \
  ${BENCH_CAPACITY:+-Dbench.capacity=$BENCH_CAPACITY} ${BENCH_BURST:+-Dbench.burst=$BENCH_BURST} ${BENCH_COLD:+-Dbench.cold=$BENCH_COLD} \
  ${BENCH_COLD_LLMGATE:+-Dbench.cold.llmgate=$BENCH_COLD_LLMGATE} \
  -Dbench.redis.port="$([ "$with_cluster" = 1 ] && echo "$redis_port" || echo 0)" -Dbench.redis.pid="$redis_pid" \
  -Dbench.cluster.a.port="$([ "$with_cluster" = 1 ] && echo "$node_a_port" || echo 0)" -Dbench.cluster.a.pid="$node_a_pid" \
  -Dbench.cluster.b.port="$([ "$with_cluster" = 1 ] && echo "$node_b_port" || echo 0)" -Dbench.cluster.b.pid="$node_b_pid" \
  ${BENCH_CLUSTER_LADDER:+-Dbench.cluster.ladder=$BENCH_CLUSTER_LADDER} ${BENCH_CLUSTER_RESUMES:+-Dbench.cluster.resumes=$BENCH_CLUSTER_RESUMES} \
  ${BENCH_LADDER_TARGETS:+-Dbench.ladder.targets=$BENCH_LADDER_TARGETS} \
  ${BENCH_FRAMES:+-Dbench.ladder.frames=$BENCH_FRAMES} ${BENCH_INTERVAL_MS:+-Dbench.ladder.interval=$BENCH_INTERVAL_MS} \
  ${BENCH_LATENCY_FRAMES:+-Dbench.latency.frames=$BENCH_LATENCY_FRAMES} \
  ${BENCH_LATENCY_INTERVAL_MS:+-Dbench.latency.interval=$BENCH_LATENCY_INTERVAL_MS} \
  ${BENCH_WARMUP_SECONDS:+-Dbench.warmup.seconds=$BENCH_WARMUP_SECONDS} ${BENCH_ROUNDS:+-Dbench.rounds=$BENCH_ROUNDS} ${BENCH_LOADGEN_LOOPS:+-Dbench.loops=$BENCH_LOADGEN_LOOPS} \
  -cp "$bench_jar" io.llmgate.bench.Load
cat "$results/loadgen-$stamp.md" >> "$results/table-$stamp.md"
echo "== table saved as bench/results/table-$stamp.md"
