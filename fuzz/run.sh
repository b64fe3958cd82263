#!/bin/bash
# Run every libFuzzer target (or those named) for SECONDS each, one after the other, at
# the lowest CPU priority, and print one line of figures per target: executions, their
# rate, coverage (libFuzzer's cov: edges and ft: features), corpus size, peak RSS, crashes.
# Corpora grow in WORK/corpus/<target> across runs (seeded by fuzz/seeds.py into
# WORK/seeds/); a crash, leak, timeout or OOM leaves its input in WORK/crashes/<target>/
# and makes the exit status 1. Builds the targets first (fuzz/build.sh).
#
# Usage: fuzz/run.sh [-t SECONDS] [-b BUILD_DIR] [-w WORK_DIR] [TARGET...]
#   defaults: 600 s, build/fuzz, BUILD_DIR/fuzz-work; targets: every fuzz_* executable.
# Reproduce a crash: BUILD_DIR/fuzz/<target> WORK/crashes/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600
build=build/fuzz
work=
while getopts t:b:w: option; do
  case $option in
    t) seconds=$OPTARG ;;
    b) build=$OPTARG ;;
    w) work=$OPTARG ;;
    *) echo "usage: fuzz/run.sh [-t SECONDS] [-b BUILD_DIR] [-w WORK_DIR] [TARGET...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
work=${work:-$build/fuzz-work}

fuzz/build.sh "$build" >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in fuzz/fuzz_*.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi
rm -rf "$work/seeds"
python3 fuzz/seeds.py "$work/seeds" "$build/convert/seccomp-convert" >/dev/null

status=0
summary=()
for target in "${targets[@]}"; do
  mkdir -p "$work/corpus/$target" "$work/crashes/$target" "$work/seeds/$target"
  log="$work/$target.log"
  before=$(find "$work/crashes/$target" -type f | wc -l)
  start=$(date +%s)
  rc=0
  nice -n 19 "$build/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=30 -rss_limit_mb=2048 -artifact_prefix="$work/crashes/$target/" \
    "$work/corpus/$target" "$work/seeds/$target" >"$log" 2>&1 || rc=$?
  elapsed=$(( $(date +%s) - start ))
  crashes=$(( $(find "$work/crashes/$target" -type f | wc -l) - before ))
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi  # died without an artifact
  # A run that dies while loading its seeds prints no cov:/corp: line: "?" then.
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | awk '{print $2 " " $4}' || true)
  cov=${cov:-? ?}
  corpus=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | awk '{print $2}' || true)
  line=$(printf '%-20s %6ss %12s execs %8s/s  cov %6s  ft %7s  corpus %6s  rss %5s MB  crashes %s' \
    "$target" "$elapsed" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" \
    "${cov%% *}" "${cov##* }" "${corpus:-?}" "$(stat peak_rss_mb)" "$crashes")
  echo "$line"
  summary+=("$line")
  if [ "$crashes" -ne 0 ]; then
    status=1
    echo "fuzz: $target: exit $rc; its log is $log; the end of it:" >&2
    grep -E 'ERROR|SUMMARY|DISAGREEMENT|Test unit written|==[0-9]+==' "$log" | head -20 >&2 || true
  fi
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each:"
printf '  %s\n' "${summary[@]}"
exit "$status"
