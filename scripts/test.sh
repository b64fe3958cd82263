#!/bin/bash
# Install the dependencies, build the dev configuration (Debug, warnings as errors) into
# build/dev and run every test with CTest: unit, golden, CLI and, as root, end-to-end with
# real runtimes. Tests that cannot run here exit 77 and are reported as skipped.
# Exits non-zero when any test fails; CTest's summary line is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
status=0

# A second, sanitized build: ASan+UBSan (preset "asan", build/asan) running the unit,
# golden and differential tests (end-to-end, valgrind and the install/manifest tests,
# which need the whole build, excluded). On by default;
# SCC_TEST_ASAN=0 skips it. It runs first so the full suite's summary stays the closing line.
if [ "${SCC_TEST_ASAN:-1}" = 1 ]; then
  cmake --preset asan
  cmake --build --preset asan --parallel 2 --target scc_tests
  ctest --test-dir build/asan --output-on-failure --parallel 2 --no-tests=error -LE 'e2e|valgrind|deploy' \
    || status=1
fi

# Every libFuzzer target (fuzz/, clang build in build/fuzz) for SCC_FUZZ_SECONDS each
# (default 15: 75 s over the five targets); a crash, leak, timeout or OOM fails the run.
# SCC_TEST_FUZZ=0 skips it.
if [ "${SCC_TEST_FUZZ:-1}" = 1 ]; then
  fuzz/run.sh -t "${SCC_FUZZ_SECONDS:-15}" -b build/fuzz || status=1
fi

cmake --preset dev
cmake --build --preset dev --parallel 2
ctest --test-dir build/dev --output-on-failure --parallel 2 --no-tests=error || status=1
exit "$status"
