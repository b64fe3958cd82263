#!/bin/bash
# The profile file under attack while seccomp-hook reads it (reliability.md §5 rows 40, 42,
# 44 and 45). precreate selects the profile by annotation and prints the config it would
# give the runtime; each run's outcome is classified exactly. One theme per invocation:
#
#   hook_profile_races.sh swap      the profile is a symlink renamed, in a tight loop,
#                                   between one that stays inside the profile directory
#                                   and one that leads outside: every run applies the
#                                   inside profile or refuses; the outside one is never read
#   hook_profile_races.sh rewrite   the profile is rewritten in place (truncate, then two
#                                   writes) alternately with two contents: every run applies
#                                   exactly one of them or refuses; never a mix
#   hook_profile_races.sh opens     strace: the profile name is resolved once (openat2,
#                                   beneath the directory) and read only through that file
#   hook_profile_races.sh eio       strace injects EIO into the read of the profile: refused
#                                   with the path and the cause, nothing on stdout
#
# SCC_RACE_RUNS (default 300) precreate runs for swap and rewrite.
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/hook_lib.sh"

RUNS=${SCC_RACE_RUNS:-300}
RACER=""

# Start the python3 loop CODE (argument: the profile directory) in the background.
start_racer() {
  e2e_require_cmd python3
  python3 -c "$1" "$HOOK_PROFILES" &
  RACER=$!
  e2e_defer "kill $RACER"
}

stop_racer() {
  kill "$RACER" 2>/dev/null
  wait "$RACER" 2>/dev/null
}

# One precreate run for the bundle's config: "errno N" when it applied a profile denying
# mkdir with errno N, "refused <code>" when it refused, else what it did.
OUTCOME=""
precreate_outcome() {
  local rc out=$E2E_TMP/race.out err=$E2E_TMP/race.err
  "$HOOK_BIN" --config "$HOOK_CONFIG" precreate <"$E2E_BUNDLE/config.json" >"$out" 2>"$err" && rc=0 || rc=$?
  if [ "$rc" = 0 ]; then
    OUTCOME="errno $(jq -r '.linux.seccomp.syscalls[] | select(.names | index("mkdir")) | .errnoRet' "$out" 2>/dev/null)"
  elif [ "$rc" = 1 ] && [ ! -s "$out" ]; then
    OUTCOME="refused $(grep -o '\[[a-z-]*' "$err" | head -1 | tr -d '[')"
  else
    OUTCOME="exit $rc: $(head -c 300 "$err")"
  fi
}

# RUNS precreate runs; prints "count outcome" lines, most frequent first.
tally() {
  local i
  for ((i = 0; i < RUNS; i++)); do
    precreate_outcome
    echo "$OUTCOME"
  done | sort | uniq -c | sort -rn
}

check_swap() {
  local counts
  mkdir -p "$E2E_TMP/outside"
  # A valid profile outside the directory, distinguishable by its errno (30).
  sed 's/"errnoRet": 18/"errnoRet": 30/' "$HOOK_PROFILES/e18.json" >"$E2E_TMP/outside/evil.json"
  grep -q '"errnoRet": 30' "$E2E_TMP/outside/evil.json" || e2e_die "cannot make the outside profile"
  chmod 644 "$E2E_TMP/outside/evil.json"
  ln -s deny13.json "$HOOK_PROFILES/race.json"
  hook_bundle race true
  start_racer '
import os, sys
d = sys.argv[1]
targets = [("deny13.json", d + "/.in"), ("../outside/evil.json", d + "/.out")]
while True:
    for target, tmp in targets:
        os.symlink(target, tmp)
        os.rename(tmp, d + "/race.json")
'
  counts=$(tally)
  stop_racer
  e2e_log "symlink swap, $RUNS runs: $(tr '\n' ';' <<<"$counts" | tr -s ' ')"
  e2e_expect "symlink swap: every run applied the inside profile (errno 13) or refused it as leaving the directory" "" \
    "$(grep -v -E '^ *[0-9]+ (errno 13|refused profile-file-unsafe)$' <<<"$counts")"
  e2e_expect "symlink swap: the race was run (both outcomes seen)" "2" \
    "$(grep -c -E '^ *[0-9]+ (errno 13|refused profile-file-unsafe)$' <<<"$counts")"
}

check_rewrite() {
  local counts
  cp "$HOOK_PROFILES/deny13.json" "$HOOK_PROFILES/flip.json"
  hook_bundle flip true
  # The two contents differ in their errno only (13 and 18); each write truncates the file
  # and writes it in two halves, so a reader can find it empty or half written; each whole
# content then stays 1 ms.
  start_racer '
import os, sys, time
d = sys.argv[1]
contents = [open(d + "/deny13.json", "rb").read(), open(d + "/e18.json", "rb").read()]
while True:
    for c in contents:
        fd = os.open(d + "/flip.json", os.O_WRONLY | os.O_TRUNC)
        os.write(fd, c[: len(c) // 2])
        os.write(fd, c[len(c) // 2 :])
        os.close(fd)
        time.sleep(0.001)
'
  counts=$(tally)
  stop_racer
  e2e_log "non-atomic rewrite, $RUNS runs: $(tr '\n' ';' <<<"$counts" | tr -s ' ')"
  e2e_expect "rewrite: every run applied exactly one of the two profiles or refused what it read" "" \
    "$(grep -v -E '^ *[0-9]+ (errno 13|errno 18|refused (json-syntax|input-empty))$' <<<"$counts")"
  e2e_expect "rewrite: both profiles were applied at least once (the race was run)" "2" \
    "$(grep -c -E '^ *[0-9]+ errno (13|18)$' <<<"$counts")"
}

check_opens() {
  local log=$E2E_TMP/opens.log
  e2e_require_cmd strace
  hook_bundle deny13 true
  strace -f -y -o "$log" -e trace=open,openat,openat2,read,pread64 \
    "$HOOK_BIN" --config "$HOOK_CONFIG" precreate <"$E2E_BUNDLE/config.json" >"$E2E_TMP/out.json" 2>/dev/null ||
    e2e_die "precreate under strace failed"
  e2e_expect "the profile is applied" "errno 13" \
    "errno $(jq -r '.linux.seccomp.syscalls[] | select(.names | index("mkdir")) | .errnoRet' "$E2E_TMP/out.json")"
  # Path lookups of the profile: "deny13" (missing) then "deny13.json", both by openat2
  # beneath the directory; nothing opens it by its full path.
  e2e_expect "the name is resolved by openat2 beneath the directory, once successfully" \
    "openat2 deny13 RESOLVE_BENEATH ENOENT
openat2 deny13.json RESOLVE_BENEATH fd" \
    "$(grep -E 'open[a-z0-9]*\(.*"(deny13|deny13\.json)"' "$log" |
      sed -E 's/^[0-9]+ +(openat2)\([^,]*, "([^"]*)".*(RESOLVE_BENEATH).* = (-1 ENOENT|[0-9]+).*/\1 \2 \3 \4/; s/-1 ENOENT/ENOENT/; s/ [0-9]+$/ fd/')"
  e2e_expect "no open names the profile's full path" 0 "$(grep -c -E "open[a-z0-9]*\(.*\"$HOOK_PROFILES/deny13" "$log")"
  # Every read of the profile's content comes from a descriptor of that same file.
  e2e_expect "the content is read from the resolved file" "yes" \
    "$(grep -q -E "read\([0-9]+<$HOOK_PROFILES/deny13\.json>" "$log" && echo yes || echo no)"
}

check_eio() {
  local log=$E2E_TMP/eio.log k rc
  e2e_require_cmd strace
  hook_bundle deny13 true
  # Find which read() call of the hook reads the profile, then fail exactly that one.
  strace -y -o "$log" -e trace=read "$HOOK_BIN" --config "$HOOK_CONFIG" precreate \
    <"$E2E_BUNDLE/config.json" >/dev/null 2>&1 || e2e_die "precreate under strace failed"
  k=$(awk -v p="<$HOOK_PROFILES/deny13.json>" '/^read\(/ { n++; if (index($0, p)) { print n; exit } }' "$log")
  [ -n "$k" ] || e2e_die "no read of the profile under strace: $(head -20 "$log")"
  strace -o /dev/null -e trace=read -e "inject=read:error=EIO:when=$k" "$HOOK_BIN" --config "$HOOK_CONFIG" \
    precreate <"$E2E_BUNDLE/config.json" >"$E2E_TMP/eio.out" 2>"$E2E_TMP/eio.err" && rc=0 || rc=$?
  e2e_expect "EIO reading the profile: exit 1, nothing on stdout" "1 0" "$rc $(wc -c <"$E2E_TMP/eio.out")"
  e2e_expect "EIO reading the profile: the refusal names the profile and the error" \
    "seccomp-hook: precreate: container ? (hostname runc): profile \"deny13\" (annotation): refused: profile \"deny13\": cannot read $HOOK_PROFILES/deny13.json: Input/output error [input-unreadable]" \
    "$(cat "$E2E_TMP/eio.err")"
}

main() {
  local theme=${1:?usage: hook_profile_races.sh swap|rewrite|opens|eio}
  hook_init
  case "$theme" in
    swap) check_swap ;;
    rewrite) check_rewrite ;;
    opens) check_opens ;;
    eio) check_eio ;;
    *) e2e_die "unknown theme $theme" ;;
  esac
  e2e_finish
}

main "$@"
