#!/bin/bash
# valgrind over the command line: seccomp-convert check, resolve and compile (BPF to a
# file) on every profile of ../shared/corpus and profiles/, each under
# valgrind --leak-check=full. Fails when valgrind reports any memory error or a definite,
# indirect or possible leak (its own exit status 99, apart from the CLI's 0/1 verdicts),
# or when the CLI crashes. Skips (77) when valgrind or ../shared is absent.
# Usage: cli_corpus.sh SECCOMP_CONVERT
set -uo pipefail
convert=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus="$root/../shared/corpus"
command -v valgrind >/dev/null || { echo "SKIPPED: valgrind is not installed"; exit 77; }
[ -d "$corpus" ] || { echo "SKIPPED: $corpus is absent (the corpus lives in ../shared)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

runs=0 failures=0
check() {
  local rc=0
  valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$convert" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  runs=$((runs + 1))
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    failures=$((failures + 1))
    echo "FAIL (exit $rc): seccomp-convert $*"
    grep -E '==[0-9]+==' "$tmp/err" | head -30
  fi
}
for profile in "$corpus"/* "$root"/profiles/*.json; do
  check check "$profile"
  check resolve "$profile" --kernel 6.18
  check "$profile" --kernel 6.18 --format bpf -o "$tmp/program.bpf"
done
echo "valgrind: $runs runs of seccomp-convert, $failures with memory errors, leaks or crashes"
[ "$failures" -eq 0 ]
