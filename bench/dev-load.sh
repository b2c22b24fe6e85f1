#!/usr/bin/env bash
# For profiling: the load generator alone, against a fake upstream and llmgate started by hand on the
# ports below (see bench/README.md, "Profiling"). Extra -Dbench.* settings are passed through.
cd "$(dirname "$0")/.."
exec java -Xms256m -Xmx2g -XX:+UseParallelGC -Dbench.upstream.port=${BENCH_UPSTREAM_PORT:-18401} \
  -Dbench.upstream.pid="$(cat bench/results/dev-upstream.pid 2>/dev/null || echo 0)" \
  -Dbench.llmgate.port=${BENCH_LLMGATE_PORT:-18402} -Dbench.llmgate.pid="$(cat bench/results/dev-llmgate.pid 2>/dev/null || echo 0)" \
  -Dbench.portkey.port=0 -Dbench.jwt.secret="${BENCH_SECRET:-devsecretdevsecretdevsecret123456}" "$@" \
  -cp bench/loadgen/target/llmgate-bench.jar io.llmgate.bench.Load
