#!/usr/bin/env bash
# For profiling: (re)starts the fake upstream and llmgate in the background on the ports dev-load.sh uses
# (BENCH_UPSTREAM_PORT, BENCH_LLMGATE_PORT; defaults 18401, 18402).
# Extra JVM options for llmgate (e.g. -XX:StartFlightRecording=...) come from BENCH_LLMGATE_JAVA_OPTS.
cd "$(dirname "$0")/.."
r=bench/results; mkdir -p $r
up=${BENCH_UPSTREAM_PORT:-18401}; gw=${BENCH_LLMGATE_PORT:-18402}
for p in $r/dev-llmgate.pid $r/dev-upstream.pid; do [ -f $p ] && kill -9 "$(cat $p)" 2>/dev/null; done
while ss -ltn | grep -qE ":($up|$gw) "; do sleep 0.2; done
java -Xms128m -Xmx512m -XX:+UseParallelGC -cp bench/loadgen/target/llmgate-bench.jar io.llmgate.bench.FakeUpstream $up 1 \
  > $r/dev-upstream.log 2>&1 & echo $! > $r/dev-upstream.pid
cat > $r/dev-llmgate.yaml <<YAML
limits: { messages-per-minute: 100000000, concurrent-streams: 100000, connections-per-user: 100000, max-connections: 100000 }
providers:
  max-connections-per-host: 20000
  compatible: [ { name: bench, base-url: "http://127.0.0.1:$up/v1", default-model: bench-model, models: [bench-model] } ]
YAML
# shellcheck disable=SC2086
LLMGATE_PORT=$gw LLMGATE_HOST=127.0.0.1 LLMGATE_JWT_SECRET=devsecretdevsecretdevsecret123456 LLMGATE_CONFIG=$r/dev-llmgate.yaml \
  java ${BENCH_LLMGATE_JAVA_OPTS:-} -jar ${BENCH_LLMGATE_JAR:-target/llmgate.jar} > $r/dev-llmgate.log 2>&1 & echo $! > $r/dev-llmgate.pid
for _ in $(seq 1 60); do grep -q "listening" $r/dev-llmgate.log 2>/dev/null && break; sleep 0.5; done
tail -3 $r/dev-llmgate.log
