#!/bin/bash
# Install the dependencies, build the dev configuration (Debug, warnings as errors) into
# build/dev and run every test with CTest: unit, golden, CLI and, as root, end-to-end with
# real runtimes. Tests that cannot run here exit 77 and are reported as skipped.
# Exits non-zero when any test fails; CTest's summary line is the last thing printed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
status=0

# Hook for a second, sanitized build: ASan+UBSan (preset "asan", build/asan) running the
# unit tests, end-to-end excluded. Off unless SCC_TEST_ASAN=1 until the reliability work
# turns it on. It runs first so the full suite's summary stays the closing line.
if [ "${SCC_TEST_ASAN:-0}" = 1 ]; then
  cmake --preset asan
  cmake --build --preset asan --parallel 2 --target scc_tests
  ctest --test-dir build/asan --output-on-failure --parallel 2 --no-tests=error -LE e2e || status=1
fi

cmake --preset dev
cmake --build --preset dev --parallel 2
ctest --test-dir build/dev --output-on-failure --parallel 2 --no-tests=error || status=1
exit "$status"
