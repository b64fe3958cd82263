#!/bin/bash
# What recording costs (issue 5, Performance), side by side in one run: a syscall-heavy
# workload untraced, under `strace -f -o /dev/null`, and under `seccomp-convert record`.
# Targets: record no slower than strace; stretch: at most 1.5x untraced.
#
#   bench/record_overhead.sh        # N=7 rounds; RECORD_BENCH_N overrides
#
# Workloads (busybox, so the same binary runs in every variant):
#   syscalls   dd if=/dev/zero of=/dev/null bs=1 count=20000: 40,000 read/write pairs
#              (syscalls of the runtime baseline, which record does not trap)
#   getuid     python3: 40,000 getuid calls, outside the baseline: one stop each
#   processes  sh: 30 x fork+exec of `true`, with a pipe each: process creation and exec
# Each round runs every (workload, variant) once in a fresh random order, so load changes
# hit all variants alike; the medians of the wall times are compared.
# SCC_CONVERT_BIN when set, else it is built in BUILD_DIR (default <repo>/build-bench).
set -u -o pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
N=${RECORD_BENCH_N:-7}

command -v strace >/dev/null || { echo "record_overhead: strace is not installed; skipped"; exit 0; }
command -v busybox >/dev/null || { echo "record_overhead: busybox is not installed; skipped"; exit 0; }
if [ -z "${SCC_CONVERT_BIN:-}" ]; then
  build=${BUILD_DIR:-$repo/build-bench}
  [ -f "$build/CMakeCache.txt" ] || cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSCC_WARNINGS_AS_ERRORS=ON >/dev/null || exit 1
  cmake --build "$build" -j2 --target seccomp-convert >/dev/null 2>&1 || exit 1
  SCC_CONVERT_BIN=$build/convert/seccomp-convert
fi
tmp=$(mktemp -d /tmp/scc-record-bench.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

BB=$(command -v busybox)
declare -A WORK=(
  [syscalls]="$BB dd if=/dev/zero of=/dev/null bs=1 count=20000"
  [getuid]="python3 -c 'import os
for i in range(40000): os.getuid()'"
  [processes]="$BB sh -c 'for i in \$($BB seq 30); do echo x | $BB true; done'"
)
VARIANTS=(untraced strace record)
declare -A SAMPLES=()

# Milliseconds of wall time of one run of WORKLOAD under VARIANT.
run_one() {
  local workload=$1 variant=$2 start end cmd=${WORK[$1]}
  case "$variant" in
    untraced) cmd="$cmd" ;;
    strace) cmd="strace -f -o /dev/null $cmd" ;;
    record) cmd="$SCC_CONVERT_BIN record -o $tmp/p.json -- $cmd" ;;
  esac
  start=$(date +%s%N)
  eval "$cmd" >/dev/null 2>&1 </dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for ((round = 0; round < N; round++)); do
  order=$(for w in "${!WORK[@]}"; do for v in "${VARIANTS[@]}"; do echo "$w:$v"; done; done | shuf)
  for item in $order; do
    SAMPLES[$item]="${SAMPLES[$item]:-} $(run_one "${item%%:*}" "${item#*:}")"
  done
done

echo "record overhead: N=$N rounds, medians of wall time (ms), interleaved"
printf '%-10s %9s %9s %9s %16s %18s\n' workload untraced strace record "record/untraced" "record/strace"
for w in syscalls getuid processes; do
  u=$(median <<<"${SAMPLES[$w:untraced]}")
  s=$(median <<<"${SAMPLES[$w:strace]}")
  r=$(median <<<"${SAMPLES[$w:record]}")
  printf '%-10s %9d %9d %9d %16s %18s\n' "$w" "$u" "$s" "$r" \
    "$(awk -v a="$r" -v b="$u" 'BEGIN {printf "%.2fx", a / (b > 0 ? b : 1)}')" \
    "$(awk -v a="$r" -v b="$s" 'BEGIN {printf "%.2fx", a / (b > 0 ? b : 1)}')"
done
