#!/usr/bin/env bash
# Builds and runs the whole benchmark: the starter against raw junixsocket, ProcessBuilder pipes,
# Spring Integration TCP, Node IPC, Python multiprocessing and C socketpairs. Prints the results tables;
# a full run also writes them to benchmarks/results/latest.md (a --quick run, a CI smoke test, writes
# benchmarks/target/quick.md instead, so it never replaces the full results).
#
#   benchmarks/run.sh            full run, about 12 minutes on 2 cores
#   benchmarks/run.sh --quick    smoke test, under a minute; its numbers are not meant to be quoted
#   benchmarks/run.sh --pool     only the worker-pool benchmark (CPU-bound Python json-rpc child,
#                                instances 1 vs 2, vs multiprocessing.Pool, median of 3), about two minutes
#
# Needs a JDK 17+ and Maven; uses cc, node and python3 when present (systems without them are skipped
# with a note). Extra arguments go to the harness (e.g. --only c-stream,starter-channels-lines).
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
cd "$ROOT"

quick=false
pool=false
for arg in "$@"; do
  [ "$arg" = "--quick" ] && quick=true
  [ "$arg" = "--pool" ] && pool=true
done

# Build the starter and the harness (no tests: this is not the test command). Offline first, as the
# dependencies are usually in ~/.m2 already; online only if something is missing.
MVN=(mvn -B -q -ntp -pl benchmarks -am package -DskipTests)
if ! "${MVN[@]}" -o >/dev/null 2>&1; then
  "${MVN[@]}"
fi

# The C baseline and the echo children are compiled here, on the machine that runs them.
mkdir -p "$BENCH/target/native"
if command -v cc >/dev/null 2>&1; then
  for program in cbench seqecho tcpecho; do
    cc -O2 -Wall -pthread -o "$BENCH/target/native/$program" "$BENCH/src/main/c/$program.c"
  done
else
  rm -f "$BENCH/target/native/"*
  echo "No C compiler (cc): the C baseline is skipped; seqpacket and TCP children fall back to Python." >&2
fi

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if $pool; then
  exec "$JAVA" -cp "$BENCH/target/classes:$(cat "$BENCH/target/classpath.txt")" \
    io.github.sidecarchannels.benchmarks.PoolBenchmark "$BENCH"
fi
if $quick; then
  out="$BENCH/target/quick.md"
else
  out="$BENCH/results/latest.md"
fi
exec "$JAVA" -cp "$BENCH/target/classes:$(cat "$BENCH/target/classpath.txt")" \
  io.github.sidecarchannels.benchmarks.BenchmarkMain --home "$BENCH" --out "$out" "$@"
