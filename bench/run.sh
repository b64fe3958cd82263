#!/bin/sh
# Build (if needed) and run the side-by-side benchmarks; every ratio printed
# is measured in this one run. Usage: bench/run.sh [PROFILE.json]
# BUILD_DIR overrides the build directory (default: <repo>/build-bench).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSCC_WARNINGS_AS_ERRORS=ON -DSCC_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" -j2 --target scc_bench_decision_cost >/dev/null
echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/scc_bench_decision_cost" "$@"
[ "$(id -u)" != 0 ] || BUILD_DIR=$build "$repo/bench/hook_latency.sh"
[ "$(id -u)" != 0 ] || BUILD_DIR=$build "$repo/bench/record_overhead.sh"
