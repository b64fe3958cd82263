#!/bin/bash
# The main job: install the dependencies, build the release configuration (no tests) into
# build/release, then check, resolve and compile the shipped default profile with the new binary.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release -DSCC_BUILD_TESTING=OFF
cmake --build --preset release --parallel 2

convert=build/release/convert/seccomp-convert
echo "== seccomp-convert check profiles/runtime-default.json"
"$convert" check profiles/runtime-default.json
echo "== seccomp-convert resolve profiles/runtime-default.json"
"$convert" resolve profiles/runtime-default.json
echo "== seccomp-convert profiles/runtime-default.json"
"$convert" profiles/runtime-default.json
