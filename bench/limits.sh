#!/bin/bash
# The largest inputs the limits allow (README "Input limits"), processed by seccomp-convert:
# wall time and peak RSS of check, resolve and compile on each, against jq parsing and
# printing the same file in the same run (the peer). Goal (issue 7): <= 100 ms and
# <= 64 MiB RSS for any input within the limits. Exits 1 when a run passes either.
# Usage: bench/limits.sh [SECCOMP_CONVERT]   (default build/release/convert/seccomp-convert)
set -euo pipefail
cd "$(dirname "$0")/.."
convert=${1:-build/release/convert/seccomp-convert}
[ -x "$convert" ] || { echo "bench/limits.sh: $convert is not built" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" <<'PY'
import json, sys
out = sys.argv[1]
base = json.load(open("profiles/runtime-default.json"))
names = sorted({n for rule in base["syscalls"] for n in rule.get("names", [])})
# 1024 rules (the limit) of 16 names each: 16384 names (the limit), ALLOW, real names.
rules = [{"names": [names[(r * 16 + i) % len(names)] for i in range(16)],
          "action": "SCMP_ACT_ALLOW"} for r in range(1024)]
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
           "architectures": ["SCMP_ARCH_X86_64"], "syscalls": rules},
          open(f"{out}/max-rules-names.json", "w"))
# The shipped profile padded with whitespace to exactly 4 MiB (the size limit).
text = json.dumps(base, indent=2)
open(f"{out}/max-size.json", "w").write(text + " " * (4 * 1024 * 1024 - len(text)))
# 1024 rules (the limit) with one argument condition each on socket/personality/ioctl-like syscalls.
cond = [{"names": [["socket", "personality", "ioctl", "prctl"][r % 4]], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": r, "op": "SCMP_CMP_EQ"}]} for r in range(1024)]
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
           "syscalls": cond}, open(f"{out}/max-rules-args.json", "w"))
PY

status=0
measure() {  # LABEL COMMAND...: prints seconds and peak RSS in KiB
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || true
  read -r seconds kib < <(tail -1 "$tmp/time")
  echo "$seconds $kib"
}
printf '%-22s %-8s %9s %9s %12s %11s\n' input command "time ms" "RSS MiB" "jq time ms" "time/jq"
for input in max-rules-names max-size max-rules-args; do
  file="$tmp/$input.json"
  read -r jq_s _ < <(measure jq jq -c . "$file")
  for command in check resolve compile; do
    case $command in
      check) args=(check "$file") ;;
      resolve) args=(resolve "$file" --kernel 6.18) ;;
      compile) args=("$file" --kernel 6.18 --format bpf -o "$tmp/out.bpf") ;;
    esac
    read -r s kib < <(measure "$command" "$convert" "${args[@]}")
    ms=$(awk -v s="$s" 'BEGIN{printf "%d", s*1000}')
    jq_ms=$(awk -v s="$jq_s" 'BEGIN{printf "%d", s*1000}')
    ratio=$(awk -v a="$s" -v b="$jq_s" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }')
    mib=$(awk -v k="$kib" 'BEGIN{printf "%.1f", k/1024}')
    verdict=ok
    if [ "$ms" -gt 100 ] || [ "$kib" -gt $((64 * 1024)) ]; then verdict=OVER; status=1; fi
    printf '%-22s %-8s %9s %9s %12s %11s  %s\n' "$input" "$command" "$ms" "$mib" "$jq_ms" "$ratio" "$verdict"
  done
done
echo "goal: every run <= 100 ms and <= 64 MiB RSS"
exit "$status"
