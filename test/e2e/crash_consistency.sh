#!/bin/bash
# Crash consistency (issue 7; reliability.md §5 rows 53-55, goal G9): the writers are
# killed with SIGKILL at random points, and the file systems they write to run out of
# space or turn read-only. After every fault, every file that is visible parses and
# matches its content hash (no torn output or cache entry), and the next run succeeds or
# fails closed (no container starts without its filter). One theme per invocation:
#
#   crash_consistency.sh kill     SCC_CRASH_RUNS (default 200) SIGKILLs at a random delay in
#                                 microseconds for each writer: seccomp-hook precreate
#                                 storing a cache entry, the runtime wrapper rewriting
#                                 config.json, seccomp-convert -o, seccomp-convert record -o
#   crash_consistency.sh record-container
#                                 SCC_CRASH_RUNS SIGKILLs of seccomp-hook's container
#                                 recorder (runc): the recording is absent or whole
#   crash_consistency.sh enospc   the same writers on a full tmpfs (and one with a few
#                                 kilobytes left): a clear error naming the path, nothing
#                                 torn, the hook fails closed; a cache that cannot store
#                                 is only skipped (the filter is compiled in memory)
#   crash_consistency.sh erofs    the same on a tmpfs remounted read-only
#
# Every mount this test makes lies below its temp dir and is unmounted by the EXIT trap
# (lib.sh e2e_cleanup), whatever happens.
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/hook_lib.sh"

RUNS=${SCC_CRASH_RUNS:-200}
CONVERT=""
NEVER_FD=""

# Files (not directories) in DIR, one name a line.
names_in() { find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort; }

sha() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

# Wait MICROSECONDS without starting a process: read with a timeout on a FIFO that never
# delivers (bash's read -t takes fractions of a second).
pause_us() {
  read -r -t "$(printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)))" -u "$NEVER_FD" _ || true
}

# Median wall time, in microseconds, of 5 runs of "$@" with stdin from the file INPUT.
median_us() {
  local input=$1 i s e times=()
  shift
  for ((i = 0; i < 5; i++)); do
    s=$(date +%s%6N)
    "$@" <"$input" >/dev/null 2>&1
    e=$(date +%s%6N)
    times+=($((e - s)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

# The kill window of run I: the whole run (0..MAX us) for even runs, its first quarter for
# odd ones, where the writes of a fast run happen.
window() { if (($2 % 2)); then echo $(($1 / 4)); else echo "$1"; fi; }

KILL_RC=0  # kill_random: the status of the process (137: killed)
# Start "$@" with stdin from INPUT and stdout to OUT, SIGKILL it after a random delay of
# 0..MAX microseconds, and reap it.
kill_random() {
  local input=$1 out=$2 max=$3 pid
  shift 3
  "$@" <"$input" >"$out" 2>/dev/null &
  pid=$!
  pause_us $(((RANDOM * 32768 + RANDOM) % (max + 1)))
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null && KILL_RC=0 || KILL_RC=$?
}

setup_common() {
  hook_init
  [ -x "${SCC_CONVERT_BIN:-}" ] || e2e_die "SCC_CONVERT_BIN is not set to seccomp-convert"
  CONVERT=$SCC_CONVERT_BIN
  mkfifo "$E2E_TMP/never"
  exec {NEVER_FD}<>"$E2E_TMP/never"
}

# --- kill ---------------------------------------------------------------------------

# seccomp-hook precreate --runtime-name crun, cache miss every time: it compiles, stores
# the entry (temporary file, fsync, rename, directory fsync) and prints the config.
kill_cache_writer() {
  local dir=$E2E_TMP/kcache conf=$E2E_TMP/kill.json input ref=$E2E_TMP/precreate.ref key max i
  local killed=0 finished=0 entry=0 temp=0 nothing=0 bad=0 next_bad=0 out=$E2E_TMP/kill.out insns state files rc
  hook_write_config "$conf" ".cacheDir = \"$dir\" | .log = \"$E2E_TMP/kill.log\""
  hook_bundle deny13 true
  input=$E2E_BUNDLE/config.json
  "$HOOK_BIN" --config "$conf" precreate --runtime-name crun <"$input" >"$ref" 2>/dev/null ||
    e2e_die "precreate failed: $(cat "$E2E_TMP/kill.log")"
  key=$(basename "$(ls "$dir"/*.bpf)" .bpf)
  insns=$(($(stat -c %s "$dir/$key.bpf") / 8 - 5))
  rm -f "$dir"/*.bpf
  max=$(median_us "$input" sh -c "rm -f $dir/*.bpf; exec $HOOK_BIN --config $conf precreate --runtime-name crun")
  max=$((max * 12 / 10))
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$dir"/*.bpf "$dir"/.*.tmp-*
    kill_random "$input" "$out" "$(window "$max" "$i")" "$HOOK_BIN" --config "$conf" precreate --runtime-name crun
    if [ "$KILL_RC" = 137 ]; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
    # What is visible: valid entries and hidden temporary files only; a complete stdout
    # whenever the hook exited 0.
    state=$(hook_check_cache "$dir")
    files=$(names_in "$dir")
    if [ -n "$state" ] && grep -q -v ' ok ' <<<"$state"; then bad=$((bad + 1)); e2e_log "run $i: $state"; fi
    if [ -n "$files" ] && grep -q -v -E "^$key\.bpf$|^\.$key\.tmp-[0-9a-f]{16}$" <<<"$files"; then
      bad=$((bad + 1))
      e2e_log "run $i: unexpected files: $(tr '\n' ' ' <<<"$files")"
    fi
    if [ "$KILL_RC" = 0 ] && ! cmp -s "$out" "$ref"; then bad=$((bad + 1)); e2e_log "run $i: exit 0 with other output"; fi
    if [ -e "$dir/$key.bpf" ]; then
      entry=$((entry + 1))
    elif grep -q tmp- <<<"$files"; then
      temp=$((temp + 1))
    else
      nothing=$((nothing + 1))
    fi
    # The next start: exit 0, the same config (hand-over included), a valid entry.
    "$HOOK_BIN" --config "$conf" precreate --runtime-name crun <"$input" >"$out" 2>/dev/null && rc=0 || rc=$?
    if [ "$rc" != 0 ] || ! cmp -s "$out" "$ref" || [ "$(hook_check_cache "$dir")" != "$key ok $insns" ]; then
      next_bad=$((next_bad + 1))
      e2e_log "run $i: the next start: exit $rc, $(hook_check_cache "$dir")"
    fi
  done
  e2e_log "precreate cache writer: $RUNS runs, kill at 0..$max us (odd runs 0..$((max / 4))): $killed killed, $finished finished first;" \
    "left: $entry a valid entry, $temp only a temporary file, $nothing nothing"
  e2e_expect "precreate killed $RUNS times: no torn entry, no stray file, no wrong output" 0 "$bad"
  e2e_expect "precreate killed $RUNS times: every next start hands over the right program and stores a valid entry" 0 "$next_bad"
  e2e_expect "precreate killed $RUNS times: the kills landed inside the runs (some before the entry, some after)" "yes" \
    "$([ "$killed" -gt 0 ] && [ "$entry" -gt 0 ] && [ $((temp + nothing)) -gt 0 ] && echo yes || echo "no: $killed killed, $entry entries, $temp temp, $nothing nothing")"
  e2e_expect "no run met an invalid cache entry" 0 "$(grep -c cache-entry-invalid "$E2E_TMP/kill.log")"
}

# The runtime wrapper rewriting <bundle>/config.json before exec'ing the runtime (a stand-in
# that records that it ran and which config it saw).
kill_config_rewrite() {
  local fake=$E2E_TMP/bin/fake-runtime orig=$E2E_TMP/config.orig rewritten=$E2E_TMP/config.rewritten max i
  local killed=0 finished=0 old=0 new=0 torn=0 stray=0 ran_early=0 next_bad=0 temp=0 h ran=$E2E_TMP/fake.ran
  local sha_orig sha_new files rc
  mkdir -p "$E2E_TMP/bin"
  # Its record appears whole or not at all, even when it is killed.
  printf '#!/bin/sh\nh=$(sha256sum config.json) && echo "$h" >%s.tmp && mv %s.tmp %s\n' "$ran" "$ran" "$ran" >"$fake"
  chmod 755 "$fake"
  hook_bundle deny13 true
  cp "$E2E_BUNDLE/config.json" "$orig"
  local wrap=("$HOOK_BIN" --config "$HOOK_CONFIG" runtime --runtime "$fake" --runtime-name runc -- run --bundle "$E2E_BUNDLE" scce-$$-k)
  (cd "$E2E_BUNDLE" && "${wrap[@]}" </dev/null >/dev/null 2>"$E2E_TMP/wrap.err") || e2e_die "the wrapper failed: $(cat "$E2E_TMP/wrap.err")"
  cp "$E2E_BUNDLE/config.json" "$rewritten"
  cmp -s "$orig" "$rewritten" && e2e_die "the wrapper did not rewrite config.json"
  jq -e '.linux.seccomp.syscalls | length == 2' "$rewritten" >/dev/null || e2e_die "the rewritten config lacks the profile"
  cp "$orig" "$E2E_BUNDLE/config.json"
  sha_orig=$(sha "$orig")
  sha_new=$(sha "$rewritten")
  max=$(median_us /dev/null sh -c "cp $orig $E2E_BUNDLE/config.json; cd $E2E_BUNDLE && exec ${wrap[*]}")
  max=$((max * 12 / 10))
  for ((i = 0; i < RUNS; i++)); do
    cp "$orig" "$E2E_BUNDLE/config.json"
    rm -f "$ran" "$ran.tmp" "$E2E_BUNDLE"/.config.json.tmp-*
    (cd "$E2E_BUNDLE" && kill_random /dev/null /dev/null "$(window "$max" "$i")" "${wrap[@]}"; exit "$KILL_RC") && KILL_RC=0 || KILL_RC=$?
    if [ "$KILL_RC" = 137 ]; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
    h=$(sha "$E2E_BUNDLE/config.json")
    if [ "$h" = "$sha_orig" ]; then
      old=$((old + 1))
    elif [ "$h" = "$sha_new" ]; then
      new=$((new + 1))
    else
      torn=$((torn + 1))
      e2e_log "run $i: config.json is neither the old nor the rewritten file ($(wc -c <"$E2E_BUNDLE/config.json") bytes)"
    fi
    files=$(names_in "$E2E_BUNDLE")
    grep -q '^\.config\.json\.tmp-' <<<"$files" && temp=$((temp + 1))
    if grep -q -v -E '^config\.json$|^\.config\.json\.tmp-[0-9a-zA-Z-]+$' <<<"$files"; then
      stray=$((stray + 1))
      e2e_log "run $i: unexpected files: $(tr '\n' ' ' <<<"$files")"
    fi
    # A hidden file the writer left (the old file after the exchange, or the new one before
    # it) is whole: the old or the rewritten config, nothing in between.
    for f in "$E2E_BUNDLE"/.config.json.tmp-*; do
      [ -e "$f" ] || continue
      h=$(sha "$f")
      if [ "$h" != "$sha_orig" ] && [ "$h" != "$sha_new" ]; then
        torn=$((torn + 1))
        e2e_log "run $i: $(basename "$f") is neither the old nor the rewritten config ($(wc -c <"$f") bytes)"
      fi
    done
    # The runtime may only ever have seen the rewritten config.
    if [ -e "$ran" ] && [ "$(cut -d' ' -f1 "$ran")" != "$sha_new" ]; then
      ran_early=$((ran_early + 1))
      e2e_log "run $i: the runtime ran on another config.json"
    fi
    # The next call: the runtime runs on the rewritten config.
    rm -f "$ran"
    (cd "$E2E_BUNDLE" && "${wrap[@]}" </dev/null >/dev/null 2>&1) && rc=0 || rc=$?
    if [ "$rc" != 0 ] || ! cmp -s "$E2E_BUNDLE/config.json" "$rewritten" ||
      [ "$(cut -d' ' -f1 "$ran" 2>/dev/null)" != "$sha_new" ]; then
      next_bad=$((next_bad + 1))
      e2e_log "run $i: the next call: exit $rc"
    fi
  done
  e2e_log "wrapper config.json rewrite: $RUNS runs, kill at 0..$max us (odd runs 0..$((max / 4))): $killed killed, $finished finished first;" \
    "config.json left old $old times, rewritten $new times; a temporary file left $temp times"
  e2e_expect "wrapper killed $RUNS times: config.json (and any hidden file left) is always the old or the rewritten file" 0 "$torn"
  e2e_expect "wrapper killed $RUNS times: nothing in the bundle but config.json and hidden temporary files" 0 "$stray"
  e2e_expect "wrapper killed $RUNS times: the runtime never saw a config.json that is not the rewritten one" 0 "$ran_early"
  e2e_expect "wrapper killed $RUNS times: every next call runs the runtime on the rewritten config" 0 "$next_bad"
  e2e_expect "wrapper killed $RUNS times: both outcomes happened (kills before and after the rename)" yes \
    "$([ "$old" -gt 0 ] && [ "$new" -gt 0 ] && echo yes || echo "no: old $old, new $new")"
}

# WHAT killed at random RUNS times while it replaces OUT (holding REF_OLD) with the bytes
# of REF_NEW: "$@" is the writer. After every kill OUT is REF_OLD or REF_NEW (REF_NEW
# whenever the writer exited 0), the directory holds nothing but OUT and hidden temporary
# files, and the next uninterrupted run writes REF_NEW.
kill_file_writer() {
  local what=$1 out=$2 ref_old=$3 ref_new=$4 max i h dir base files rc
  local killed=0 finished=0 old=0 new=0 torn=0 stray=0 next_bad=0 temp=0 sha_old sha_new
  shift 4
  dir=$(dirname "$out")
  base=$(basename "$out")
  sha_old=$(sha "$ref_old")
  sha_new=$(sha "$ref_new")
  [ "$sha_old" != "$sha_new" ] || e2e_die "$what: the old and the new content are the same"
  max=$(median_us /dev/null "$@")
  max=$((max * 12 / 10))
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$dir/.$base.tmp-"*
    cp "$ref_old" "$out"
    kill_random /dev/null /dev/null "$(window "$max" "$i")" "$@"
    if [ "$KILL_RC" = 137 ]; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
    h=$(sha "$out")
    if [ "$h" = "$sha_old" ]; then
      old=$((old + 1))
      [ "$KILL_RC" = 0 ] && { torn=$((torn + 1)); e2e_log "run $i: exit 0 but the old content"; }
    elif [ "$h" = "$sha_new" ]; then
      new=$((new + 1))
    else
      torn=$((torn + 1))
      e2e_log "run $i: $base is neither the old nor the new content ($(wc -c <"$out") bytes)"
      [ "$torn" = 1 ] && e2e_log "the first such $base, against the new content: $(diff "$ref_new" "$out" | head -20)"
    fi
    files=$(names_in "$dir")
    grep -q -F ".$base.tmp-" <<<"$files" && temp=$((temp + 1))
    if grep -v -x -F -e "$base" <<<"$files" | grep -v -F ".$base.tmp-" | grep -q .; then
      stray=$((stray + 1))
      e2e_log "run $i: unexpected files: $(tr '\n' ' ' <<<"$files")"
    fi
    "$@" </dev/null >/dev/null 2>&1 && rc=0 || rc=$?
    if [ "$rc" != 0 ] || ! cmp -s "$out" "$ref_new"; then next_bad=$((next_bad + 1)); fi
  done
  e2e_log "$what: $RUNS runs, kill at 0..$max us (odd runs 0..$((max / 4))): $killed killed, $finished finished first;" \
    "the output left old $old times, new $new times; a temporary file left $temp times"
  e2e_expect "$what killed $RUNS times: the output is always the old or the new content" 0 "$torn"
  e2e_expect "$what killed $RUNS times: nothing but the output and hidden temporary files" 0 "$stray"
  e2e_expect "$what killed $RUNS times: every next run writes the new content" 0 "$next_bad"
  e2e_expect "$what killed $RUNS times: both outcomes happened" yes \
    "$([ "$old" -gt 0 ] && [ "$new" -gt 0 ] && echo yes || echo "no: old $old, new $new")"
}

# seccomp-convert PROFILE -o OUT over an existing OUT from another profile.
kill_convert_output() {
  local dir=$E2E_TMP/kout profile=$E2E_DIR/../../profiles/runtime-default.json
  mkdir -p "$dir"
  "$CONVERT" "$HOOK_PROFILES/deny13.json" -o "$E2E_TMP/old.bpf" 2>/dev/null || e2e_die "compile of deny13 failed"
  "$CONVERT" "$profile" -o "$E2E_TMP/new.bpf" 2>/dev/null || e2e_die "compile of runtime-default failed"
  kill_file_writer "seccomp-convert -o" "$dir/out.bpf" "$E2E_TMP/old.bpf" "$E2E_TMP/new.bpf" \
    "$CONVERT" "$profile" -o "$dir/out.bpf"
}

# seccomp-convert record -o OUT -- probe 39 over an existing OUT. The recorder traces the
# probe with PTRACE_O_EXITKILL, so killing the recorder ends the probe too. The recorded
# profile of this run is the same every time (stdout is /dev/null each time).
kill_recorder() {
  local dir=$E2E_TMP/krec ref=$E2E_TMP/rec-new.json
  e2e_build_probe
  mkdir -p "$dir"
  "$CONVERT" record -o "$ref" -- "$E2E_PROBE" 39 </dev/null >/dev/null 2>&1 || e2e_die "record failed"
  "$CONVERT" record -o "$dir/out.json" -- "$E2E_PROBE" 39 </dev/null >/dev/null 2>&1 || e2e_die "record failed"
  cmp -s "$dir/out.json" "$ref" || e2e_die "two recordings of probe 39 differ: $(diff "$dir/out.json" "$ref")"
  e2e_expect "the recorded profile passes check" 0 "$("$CONVERT" check "$ref" >/dev/null 2>&1; echo $?)"
  kill_file_writer "seccomp-convert record -o" "$dir/out.json" "$HOOK_PROFILES/deny13.json" "$ref" \
    "$CONVERT" record -o "$dir/out.json" -- "$E2E_PROBE" 39
}

# Container recording through the hook (seccomp-hook record, createRuntime, under runc):
# the detached recorder seized on the container's init is SIGKILLed at a random point
# between attaching and writing <recordDir>/<name>.json (it writes when the container
# exits). PTRACE_O_EXITKILL ends the container with it. The recording is then absent or
# whole (it parses, passes check and holds the probe's getpid), never torn; the next
# recorded container writes a whole one.
RECORDER=""        # recorder_of: the recorder's pid,
RECORDER_START=""  # and its start time (/proc/PID/stat field 22), to never signal a reused pid
# The hook logs "recording process PID" once its recorder has attached to the container's
# init; the recorder is that process's tracer (TracerPid).
recorder_of() {
  local id=$1 n text line traced stat
  RECORDER=""
  for ((n = 0; n < 5000; n++)); do
    { text=$(<"$E2E_TMP/record.log"); } 2>/dev/null
    if [[ $text =~ container\ $id:\ [^$'\n']*recording\ process\ ([0-9]+) ]]; then
      traced=${BASH_REMATCH[1]}
      while read -r line; do
        [[ $line =~ ^TracerPid:[[:space:]]+([0-9]+) ]] && RECORDER=${BASH_REMATCH[1]}
      done <"/proc/$traced/status" 2>/dev/null
      [ "${RECORDER:-0}" != 0 ] || { RECORDER=""; return 1; }
      { stat=$(<"/proc/$RECORDER/stat"); } 2>/dev/null || { RECORDER=""; return 1; }
      read -r -a stat <<<"${stat##*) }"
      RECORDER_START=${stat[19]}
      return 0
    fi
    pause_us 500
  done
  return 1
}

# SIGKILL the recorder if it is still the process found (same pid, same start time).
kill_recorder_checked() {
  local stat
  { stat=$(<"/proc/$RECORDER/stat"); } 2>/dev/null || return 1
  read -r -a stat <<<"${stat##*) }"
  [ "${stat[19]}" = "$RECORDER_START" ] || return 1
  kill -KILL "$RECORDER" 2>/dev/null
}

valid_recording() {
  jq -e '.syscalls | map(.names[]) | index("getpid") != null' "$1" >/dev/null 2>&1 &&
    "$CONVERT" check "$1" >/dev/null 2>&1
}

kill_container_recorder() {
  local rec=$E2E_TMP/recordings conf=$E2E_TMP/record.json hooks i id max rc s e
  local killed=0 written=0 absent=0 torn=0 next_bad=0 contkill=0
  e2e_require_cmd runc
  mkdir -m 755 "$rec"
  hook_write_config "$conf" ".recordDir = \"$rec\" | .log = \"$E2E_TMP/record.log\""
  e2e_oci_bundle "" sh -c '/bin/probe 39; sleep 0.05'
  hooks=$(jq -n --arg h "$HOOK_BIN" --arg c "$conf" \
    '{createRuntime: [{path: $h, args: ["seccomp-hook", "--config", $c, "record"], timeout: 10}]}')
  hook_edit_bundle --argjson h "$hooks" '.hooks = $h | .annotations["seccomp-hook.record"] = "probe"'
  # One whole recording first, timed from the recorder's attach to the file.
  # The workload is short: the container may be gone before its TracerPid is read, so the
  # timed run is tried up to 5 times (a recorder that never attaches fails every try).
  local try
  for ((try = 0; try < 5; try++)); do
    id=scce-$$-rec-0-$try
    e2e_defer "runc --root $E2E_TMP/state-runc delete -f $id"
    runc --root "$E2E_TMP/state-runc" run --bundle "$E2E_BUNDLE" "$id" </dev/null >/dev/null 2>"$E2E_TMP/last.err" &
    recorder_of "$id" && break
    wait $! || true
    runc --root "$E2E_TMP/state-runc" delete -f "$id" >/dev/null 2>&1
    rm -f "$rec/probe.json"
  done
  [ "$try" -lt 5 ] || e2e_die "no recorder found in 5 runs: $(cat "$E2E_TMP/last.err" "$E2E_TMP/record.log")"
  s=$(date +%s%6N)
  wait $! || e2e_die "the recorded container failed: $(cat "$E2E_TMP/last.err")"
  local w=""
  while kill -0 "$RECORDER" 2>/dev/null; do
    [ -z "$w" ] && [ -e "$rec/probe.json" ] && w=$(date +%s%6N)
    pause_us 1000
  done
  e=$(date +%s%6N)
  e2e_log "first recording: the container exited, the file appeared after $(((${w:-$e} - s) / 1000)) ms, the recorder exited after $(((e - s) / 1000)) ms"
  valid_recording "$rec/probe.json" || e2e_die "the first recording is not valid: $(head -c 300 "$rec/probe.json")"
  # The window: until the file appears (its directory fsync can take much longer), and half
  # as long again.
  max=$(((${w:-$e} - s) * 15 / 10))
  for ((i = 1; i <= RUNS; i++)); do
    rm -f "$rec/probe.json"
    id=scce-$$-rec-$i
    runc --root "$E2E_TMP/state-runc" run --bundle "$E2E_BUNDLE" "$id" </dev/null >/dev/null 2>"$E2E_TMP/last.err" &
    if ! recorder_of "$id"; then
      e2e_log "run $i: the recorder was gone before it could be found"
    else
      pause_us $(((RANDOM * 32768 + RANDOM) % (max + 1)))
      kill_recorder_checked && killed=$((killed + 1))
    fi
    wait $! && rc=0 || rc=$?
    [ "$rc" = 137 ] && contkill=$((contkill + 1))
    runc --root "$E2E_TMP/state-runc" delete -f "$id" >/dev/null 2>&1
    while [ -n "$RECORDER" ] && kill -0 "$RECORDER" 2>/dev/null; do pause_us 1000; done
    if [ ! -e "$rec/probe.json" ]; then
      absent=$((absent + 1))
    elif valid_recording "$rec/probe.json"; then
      written=$((written + 1))
    else
      torn=$((torn + 1))
      e2e_log "run $i: probe.json is not a whole recording ($(wc -c <"$rec/probe.json") bytes)"
    fi
    # Besides the recording: the lock files (one per container) and hidden temporary files.
    if grep -q -v -E '^probe\.json$|^\.scce-[0-9]+-rec-[0-9]+(-[0-9]+)?(-next)?\.recording$|^\.probe\.json\.tmp-[0-9a-zA-Z-]+$' <<<"$(names_in "$rec")"; then
      torn=$((torn + 1))
      e2e_log "run $i: unexpected files in recordDir: $(names_in "$rec" | grep -v '\.recording$' | tr '\n' ' ')"
    fi
    # Every 20th run and the last: the next recorded container writes a whole recording.
    if ((i % 20 == 0 || i == RUNS)); then
      rm -f "$rec/probe.json"
      id=scce-$$-rec-$i-next
      runc --root "$E2E_TMP/state-runc" run --bundle "$E2E_BUNDLE" "$id" </dev/null >/dev/null 2>&1 && rc=0 || rc=$?
      runc --root "$E2E_TMP/state-runc" delete -f "$id" >/dev/null 2>&1
      for ((e = 0; e < 500; e++)); do [ -e "$rec/probe.json" ] && break; pause_us 10000; done
      if [ "$rc" != 0 ] || ! valid_recording "$rec/probe.json"; then
        next_bad=$((next_bad + 1))
        e2e_log "run $i: the next recorded container: exit $rc"
      fi
    fi
  done
  e2e_log "container recording: $RUNS runs, recorder killed at 0..$max us after it attached: $killed killed" \
    "($contkill containers ended by the kill); recording left whole $written times, absent $absent times"
  e2e_expect "container recorder killed $RUNS times: the recording is absent or whole, never torn" 0 "$torn"
  e2e_expect "container recorder killed $RUNS times: every next recorded container writes a whole recording" 0 "$next_bad"
  e2e_expect "container recorder killed $RUNS times: both outcomes happened" yes \
    "$([ "$written" -gt 0 ] && [ "$absent" -gt 0 ] && echo yes || echo "no: whole $written, absent $absent")"
}

check_kill() {
  local start=$SECONDS
  kill_cache_writer
  kill_config_rewrite
  kill_convert_output
  kill_recorder
  e2e_log "kill theme: $((4 * RUNS)) killed runs (and as many next runs) in $((SECONDS - start)) s"
}

# --- enospc and erofs --------------------------------------------------------------

# A 128 KiB tmpfs (mode 0700, root's: a usable cache dir) at DIR, below the temp dir.
small_fs() {
  local dir=$1
  mkdir -p "$dir"
  mount -t tmpfs -o size=128k,mode=0700 "scce-$$" "$dir" || e2e_die "cannot mount a tmpfs on $dir"
  e2e_defer "umount -l $dir"
}

# Make the tmpfs at DIR fail with FAULT (enospc: filled up, leaving LEFT bytes, default 0;
# erofs: remounted read-only).
inject() {
  local fault=$1 dir=$2 left=${3:-0} free
  case "$fault" in
    enospc)
      head -c 1048576 /dev/zero >"$dir/.fill" 2>/dev/null
      if [ "$left" -gt 0 ]; then
        truncate -s "-$left" "$dir/.fill" || e2e_die "truncate failed"
      fi
      free=$(df --output=avail -B1 "$dir" | tail -1 | tr -d ' ')
      e2e_log "$dir: $free bytes left"
      ;;
    erofs) mount -o remount,ro "$dir" || e2e_die "cannot remount $dir read-only" ;;
  esac
}

# The error lines of the last command (warnings and notes about the profile dropped).
errors_of() { grep -v -E ': (warning|note): ' "$1"; }

# seccomp-convert -o on the faulty file system: exit 1, one error naming the path and the
# cause, the old output untouched, no temporary file.
convert_on() {
  local fault=$1 want=$2 left=${3:-0} dir=$E2E_TMP/out-$1-${3:-0} old=$E2E_TMP/old.bpf rc
  local profile=$E2E_DIR/../../profiles/runtime-default.json what="seccomp-convert -o on $fault${3:+ ($3 bytes left)}"
  want=${want//DIR/$dir}
  small_fs "$dir"
  "$CONVERT" "$HOOK_PROFILES/deny13.json" -o "$old" 2>/dev/null || e2e_die "compile of deny13 failed"
  cp "$old" "$dir/out.bpf"
  inject "$fault" "$dir" "$left"
  # The disassembly (about 24 KiB) spans pages, so a few KiB left cut its write short.
  "$CONVERT" "$profile" --format disasm -o "$dir/out.bpf" >"$E2E_TMP/convert.out" 2>"$E2E_TMP/convert.err" && rc=0 || rc=$?
  e2e_expect "$what: exit 1, the error names the file and the cause" \
    "1:$dir/out.bpf: error: cannot write $dir/out.bpf: $want [output-unwritable]" "$rc:$(errors_of "$E2E_TMP/convert.err")"
  e2e_expect "$what: the old output is untouched, no temporary file is left" "same out.bpf" \
    "$(cmp -s "$old" "$dir/out.bpf" && echo same) $(names_in "$dir" | grep -v '^\.fill$' | tr '\n' ' ' | sed 's/ $//')"
}

# seccomp-hook precreate (crun hand-over) with its cache on the faulty file system: the
# cache is skipped with one warning naming the cause, the program is compiled in memory,
# the output is the same as with a working cache, and nothing is left in the cache. Then
# a real crun container started through the wrapper with that config runs confined:
# deny13's EACCES, checked by createRuntime and attested by poststart.
cache_on() {
  local fault=$1 want=$2 dir=$E2E_TMP/cache-$1 conf=$E2E_TMP/cache-$1.json ref=$E2E_TMP/cache-ref.json key rc
  local good=$E2E_TMP/cache-good conf_good=$E2E_TMP/cache-good.json id=scce-$$-cache-$1 saved=$HOOK_CONFIG
  hook_write_config "$conf_good" ".cacheDir = \"$good\""
  hook_bundle deny13 sh -c 'probe 258 -100 0 0; exec sleep 1'
  "$HOOK_BIN" --config "$conf_good" precreate --runtime-name crun <"$E2E_BUNDLE/config.json" >"$ref" 2>/dev/null ||
    e2e_die "precreate with a working cache failed"
  key=$(basename "$(ls "$good"/*.bpf)" .bpf)
  want=${want//KEY/$key}
  small_fs "$dir"
  inject "$fault" "$dir"
  hook_write_config "$conf" ".cacheDir = \"$dir\" | .log = \"$E2E_TMP/cache-$1.log\""
  "$HOOK_BIN" --config "$conf" precreate --runtime-name crun <"$E2E_BUNDLE/config.json" >"$E2E_TMP/precreate.out" 2>/dev/null && rc=0 || rc=$?
  e2e_expect "precreate with the cache on $fault: exit 0 and the same config as with a working cache" "0 same" \
    "$rc $(cmp -s "$ref" "$E2E_TMP/precreate.out" && echo same)"
  e2e_expect "precreate with the cache on $fault: one warning naming the entry and the cause" \
    "warning: program cache $dir: cannot store $key.bpf ($want); the program was compiled in memory [cache-unusable]" \
    "$(grep -o 'warning: .*' "$E2E_TMP/cache-$1.log" | sed -E 's/\.tmp-[0-9a-f]{16}/.tmp-R/')"
  e2e_expect "precreate with the cache on $fault: nothing left in the cache" "" "$(names_in "$dir" | grep -v '^\.fill$')"
  HOOK_CONFIG=$conf
  hook_bundle deny13 sh -c 'probe 258 -100 0 0; exec sleep 1'
  hook_run crun wrapper "$id"
  HOOK_CONFIG=$saved
  e2e_expect "crun through the wrapper with the cache on $fault: the container runs confined (deny13: EACCES)" \
    "0 errno EACCES" "$E2E_RC $E2E_OUT"
  e2e_expect "crun through the wrapper with the cache on $fault: createRuntime allowed it and poststart attested it" "allowed attested" \
    "$(grep -c "createRuntime: container $id: .*: allowed: " "$E2E_TMP/cache-$1.log" | sed 's/^1$/allowed/') $(grep -c "poststart: container $id: .*: attested: " "$E2E_TMP/cache-$1.log" | sed 's/^1$/attested/')"
}

# The runtime wrapper with the bundle on the faulty file system: it cannot rewrite
# config.json, so it refuses with the path and the cause, leaves config.json as it was and
# does not run runc: no container exists, confined or not.
wrapper_on() {
  local fault=$1 want=$2 left=${3:-0} dir=$E2E_TMP/bundle-$1-${3:-0} before=$E2E_TMP/before.json id
  local what="wrapper with the bundle on $fault${3:+ ($3 bytes left)}"
  id=scce-$$-wrap-$1-$left
  want=${want//DIR/$dir}
  hook_bundle deny13 probe 258 -100 0 0
  # 12 KiB of annotation: the rewrite spans pages, so a few KiB left cut it short.
  hook_edit_bundle --arg pad "$(head -c 12288 /dev/zero | tr '\0' x)" '.annotations["scce.pad"] = $pad'
  small_fs "$dir"
  cp "$E2E_BUNDLE/config.json" "$dir/config.json"
  cp "$dir/config.json" "$before"
  E2E_BUNDLE=$dir
  inject "$fault" "$dir" "$left"
  hook_run runc wrapper "$id"
  e2e_expect "$what: refused with the path and the cause, runc did not run" \
    "1:seccomp-hook: runtime: container $id: profile \"deny13\" (annotation): refused: cannot write $dir/config.json: $want [output-unwritable]:" \
    "$E2E_RC:$(cat "$E2E_TMP/last.err"):$E2E_OUT"
  e2e_expect "$what: config.json untouched, no temporary file, no container" "same config.json " \
    "$(cmp -s "$before" "$dir/config.json" && echo same) $(names_in "$dir" | grep -v '^\.fill$' | tr '\n' ' ')$(hook_status runc "$id")"
}

check_full() {
  convert_on enospc "write: No space left on device"
  convert_on enospc "write: No space left on device" 4096
  cache_on enospc "write: No space left on device"
  wrapper_on enospc "write: No space left on device"
  wrapper_on enospc "write: No space left on device" 4096
}

check_readonly() {
  convert_on erofs "create a temporary file in DIR: Read-only file system"
  cache_on erofs "create .KEY.tmp-R: Read-only file system"
  wrapper_on erofs "create a temporary file in DIR: Read-only file system"
}

main() {
  local theme=${1:?usage: crash_consistency.sh kill|record-container|enospc|erofs}
  setup_common
  case "$theme" in
    kill) check_kill ;;
    record-container) kill_container_recorder ;;
    enospc) check_full ;;
    erofs) check_readonly ;;
    *) e2e_die "unknown theme $theme" ;;
  esac
  e2e_finish
}

main "$@"
