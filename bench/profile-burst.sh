#!/usr/bin/env bash
# The load generator's burst hook (-Dbench.burst.hook=bench/profile-burst.sh, or BENCH_BURST_HOOK for run.sh):
# `start|stop <label> <pid>` attaches async-profiler (ASYNC_PROFILER_LIB, the libasyncProfiler.so of
# tools.profiler:async-profiler 4.1) to llmgate for the length of one burst, in cpu mode with one stack per
# thread, and writes bench/results/profile-<label>.collapsed. See bench/README.md, "Profiling".
set -euo pipefail
cd "$(dirname "$0")/.."
lib=${ASYNC_PROFILER_LIB:?set ASYNC_PROFILER_LIB to libasyncProfiler.so}
# jcmd would read "event=cpu" as a named argument of its own: the agent's options go in inner quotes.
case $1 in
  start) jcmd "$3" JVMTI.agent_load "$lib" "\"start,event=cpu,interval=1ms,threads\"" > /dev/null ;;
  stop) jcmd "$3" JVMTI.agent_load "$lib" "\"stop,file=$PWD/bench/results/profile-$2.collapsed,collapsed\"" > /dev/null ;;
esac
