#!/bin/bash
# Configure and build the libFuzzer targets (and the seccomp-convert that makes their BPF
# seeds) with clang into BUILD_DIR (default build/fuzz): -O1 with assertions kept, ASan+UBSan
# and coverage instrumentation everywhere (SCC_BUILD_FUZZERS, cmake/Sanitizers.cmake).
# Usage: fuzz/build.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/fuzz}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DCMAKE_C_FLAGS_DEBUG="-O1 -g" \
    -DSCC_BUILD_FUZZERS=ON -DSCC_BUILD_TESTING=OFF -DSCC_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
fi
cmake --build "$build" --parallel "${SCC_BUILD_JOBS:-2}" --target scc_fuzzers
