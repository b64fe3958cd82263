#!/bin/bash
# seccomp-hook fails closed: each bad input gets its one exact line and a non-zero exit,
# no container starts, and no file is left torn. One theme per invocation:
#
#   hook_failclosed.sh names     path traversal in a profile name, symlinks leaving the
#                                profile directory (one that stays inside works)
#   hook_failclosed.sh stdin     garbage, empty, oversized (2 MiB) and never-closing stdin
#   hook_failclosed.sh files     missing bundle, missing or unsafe config.json and hook config
#   hook_failclosed.sh cache     read-only, foreign-mode, missing and corrupted caches: the
#                                program is compiled in memory, never taken from a bad entry
#   hook_failclosed.sh sigkill   the hook killed with SIGKILL while writing a cache entry or
#                                config.json (deterministically inside a chosen system call,
#                                then at random), and the deadline firing during the rewrite
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR disable=SC2016  # jq filters
. "$(dirname "$0")/hook_lib.sh"

HOOK_OUT=""   # run_hook: stdout
HOOK_ERR=""   # run_hook: stderr

# Run the hook with stdin from the file INPUT: stdout in HOOK_OUT, stderr in HOOK_ERR,
# the status in E2E_RC.
run_hook() {
  local input=$1
  shift
  "$HOOK_BIN" "$@" <"$input" >"$E2E_TMP/hook.out" 2>"$E2E_TMP/hook.err" && E2E_RC=0 || E2E_RC=$?
  HOOK_OUT=$(cat "$E2E_TMP/hook.out")
  HOOK_ERR=$(cat "$E2E_TMP/hook.err")
}

# A stand-in runtime for the wrapper that records that it ran.
fake_runtime() {
  local f=$E2E_TMP/bin/fake-runtime
  mkdir -p "$E2E_TMP/bin"
  printf '#!/bin/sh\necho "$@" >%s\n' "$E2E_TMP/fake-runtime.ran" >"$f"
  chmod 755 "$f"
  rm -f "$E2E_TMP/fake-runtime.ran"
  echo "$f"
}

fake_ran() { [ -e "$E2E_TMP/fake-runtime.ran" ] && echo ran || echo "did not run"; }

# The state file a runtime would give a hook.
state_file() {
  hook_state "$@" >"$E2E_TMP/state.json"
  echo "$E2E_TMP/state.json"
}

# A process poststart may kill, in VICTIM.
VICTIM=""
start_victim() {
  sleep 60 &
  VICTIM=$!
  e2e_defer "kill -KILL $VICTIM"
}

victim_status() {
  local rc
  wait "$VICTIM" 2>/dev/null && rc=0 || rc=$?
  echo "$rc"
}

entries() { find "$1" -mindepth 1 -printf '%f\n' 2>/dev/null | sort; }

# --- names --------------------------------------------------------------------------

check_names() {
  local id name before=$E2E_TMP/before.json
  local traversal='profile name "../../etc/passwd" is not allowed: it contains "/" (only localhost/<path> names may) [profile-name-invalid]'
  # Through the wrapper: refused before runc runs, config.json untouched.
  id=scce-$$-traversal
  hook_bundle ../../etc/passwd probe 258 -100 0 0
  cp "$E2E_BUNDLE/config.json" "$before"
  hook_run runc wrapper "$id"
  e2e_expect "wrapper, annotation ../../etc/passwd: refused" \
    "seccomp-hook: runtime: container $id: profile (none): refused: $traversal" "$(cat "$E2E_TMP/last.err")"
  e2e_expect "wrapper, annotation ../../etc/passwd: exit 1, config.json untouched, no container" "1 same " \
    "$E2E_RC $(cmp -s "$before" "$E2E_BUNDLE/config.json" && echo same) $(hook_status runc "$id")"
  # createRuntime under runc.
  hook_edit_bundle '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO"}'
  id=scce-$$-traversal-direct
  hook_run runc direct "$id"
  e2e_expect "createRuntime, annotation ../../etc/passwd: refused" \
    "seccomp-hook: createRuntime: container $id: profile (none): refused: $traversal" "$(hook_failed_line runc)"
  e2e_expect "createRuntime, annotation ../../etc/passwd: no output, no container" ":" \
    "$E2E_OUT:$(hook_status runc "$id")"
  # precreate: nothing on stdout.
  run_hook "$E2E_BUNDLE/config.json" --config "$HOOK_CONFIG" precreate
  e2e_expect "precreate, annotation ../../etc/passwd: exit 1, no output" "1:" "$E2E_RC:$HOOK_OUT"
  e2e_expect "precreate, annotation ../../etc/passwd: the line" \
    "seccomp-hook: precreate: container ? (hostname runc): profile (none): refused: $traversal" "$HOOK_ERR"
  # The docker channel and Kubernetes' localhost/ form.
  hook_edit_bundle 'del(.annotations["seccomp-hook.profile"]) | .process.env += ["SECCOMP_HOOK_PROFILE=../../etc/passwd"]'
  run_hook "$E2E_BUNDLE/config.json" --config "$HOOK_CONFIG" precreate
  e2e_expect "precreate, SECCOMP_HOOK_PROFILE=../../etc/passwd: refused" \
    "1:seccomp-hook: precreate: container ? (hostname runc): profile (none): refused: $traversal" "$E2E_RC:$HOOK_ERR"
  hook_edit_bundle '.process.env |= map(select(startswith("SECCOMP_HOOK_PROFILE=") | not))
    | .annotations["seccomp-hook.profile"] = "localhost/../../etc/passwd"'
  run_hook "$E2E_BUNDLE/config.json" --config "$HOOK_CONFIG" precreate
  e2e_expect "precreate, localhost/../../etc/passwd: refused" \
    '1:seccomp-hook: precreate: container ? (hostname runc): profile (none): refused: profile name "localhost/../../etc/passwd" is not allowed: the localhost/ path has a ".." component [profile-name-invalid]' \
    "$E2E_RC:$HOOK_ERR"

  # Symlinks: escape.json (relative) and abs.json (absolute) lead to a valid profile
  # outside the directory; inside.json leads to deny13.json and is followed.
  mkdir -p "$E2E_TMP/outside"
  cp "$HOOK_PROFILES/deny13.json" "$E2E_TMP/outside/deny13.json"
  ln -s ../outside/deny13.json "$HOOK_PROFILES/escape.json"
  ln -s "$E2E_TMP/outside/deny13.json" "$HOOK_PROFILES/abs.json"
  ln -s deny13.json "$HOOK_PROFILES/inside.json"
  for name in escape abs; do
    id=scce-$$-$name
    hook_bundle "$name" probe 258 -100 0 0
    cp "$E2E_BUNDLE/config.json" "$before"
    hook_run runc wrapper "$id"
    e2e_expect "wrapper, symlink $name.json leaving the directory: refused" \
      "seccomp-hook: runtime: container $id: profile \"$name\" (annotation): refused: profile \"$name\": $HOOK_PROFILES/$name.json resolves outside $HOOK_PROFILES (a symlink or mount point leaves the directory) [profile-file-unsafe]" \
      "$(cat "$E2E_TMP/last.err")"
    e2e_expect "wrapper, symlink $name.json: exit 1, config.json untouched, no container" "1 same " \
      "$E2E_RC $(cmp -s "$before" "$E2E_BUNDLE/config.json" && echo same) $(hook_status runc "$id")"
  done
  hook_edit_bundle '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO"}'
  id=scce-$$-abs-direct
  hook_run runc direct "$id"
  e2e_expect "createRuntime, symlink abs.json: refused" \
    "seccomp-hook: createRuntime: container $id: profile \"abs\" (annotation): refused: profile \"abs\": $HOOK_PROFILES/abs.json resolves outside $HOOK_PROFILES (a symlink or mount point leaves the directory) [profile-file-unsafe]" \
    "$(hook_failed_line runc)"
  id=scce-$$-inside
  hook_bundle inside probe 258 -100 0 0
  hook_run runc wrapper "$id"
  e2e_expect "wrapper, symlink inside.json staying inside: followed, EACCES" "0 errno EACCES" "$E2E_RC $E2E_OUT"
  e2e_expect "no temporary file left in the cache" "" "$(hook_cache_others)"
}

# --- stdin --------------------------------------------------------------------------

check_stdin() {
  local garbage=$E2E_TMP/garbage empty=$E2E_TMP/empty big=$E2E_TMP/big mode
  printf 'garbage\001' >"$garbage"
  : >"$empty"
  head -c 2097152 /dev/zero | tr '\0' '{' >"$big"
  for mode in createRuntime poststart; do
    run_hook "$garbage" --config "$HOOK_CONFIG" "$mode"
    e2e_expect "$mode, garbage stdin" \
      "1:seccomp-hook: $mode: container ?: profile (none): refused: state: syntax error while parsing value - invalid literal; last read: 'g' [json-syntax at line 1 column 1]" \
      "$E2E_RC:$HOOK_OUT$HOOK_ERR"
    run_hook "$empty" --config "$HOOK_CONFIG" "$mode"
    e2e_expect "$mode, empty stdin" \
      "1:seccomp-hook: $mode: container ?: profile (none): refused: state: the input is empty [input-empty]" \
      "$E2E_RC:$HOOK_OUT$HOOK_ERR"
    run_hook "$big" --config "$HOOK_CONFIG" "$mode"
    e2e_expect "$mode, 2 MiB stdin" \
      "1:seccomp-hook: $mode: container ?: profile (none): refused: standard input: input is larger than the limit of 1048576 bytes [input-too-large]" \
      "$E2E_RC:$HOOK_OUT$HOOK_ERR"
  done
  run_hook "$garbage" --config "$HOOK_CONFIG" precreate
  e2e_expect "precreate, garbage stdin: nothing on stdout" \
    "1:seccomp-hook: precreate: container ?: profile (none): refused: config.json: syntax error while parsing value - invalid literal; last read: 'g' [json-syntax at line 1 column 1]" \
    "$E2E_RC:$HOOK_OUT$HOOK_ERR"
  run_hook "$empty" --config "$HOOK_CONFIG" precreate
  e2e_expect "precreate, empty stdin: nothing on stdout" \
    "1:seccomp-hook: precreate: container ?: profile (none): refused: config.json: the input is empty [input-empty]" \
    "$E2E_RC:$HOOK_OUT$HOOK_ERR"
  run_hook "$big" --config "$HOOK_CONFIG" precreate
  e2e_expect "precreate, 2 MiB stdin: nothing on stdout" \
    "1:seccomp-hook: precreate: container ?: profile (none): refused: standard input: input is larger than the limit of 1048576 bytes [input-too-large]" \
    "$E2E_RC:$HOOK_OUT$HOOK_ERR"
  # A pipe whose writer never closes it meets the deadline (2 s until the config is read).
  local start end writer fifo=$E2E_TMP/stdin.fifo
  mkfifo "$fifo"
  sleep 10 >"$fifo" 2>/dev/null &
  writer=$!
  e2e_defer "kill $writer"
  start=$(date +%s%N)
  "$HOOK_BIN" --config "$HOOK_CONFIG" createRuntime <"$fifo" >"$E2E_TMP/hook.out" 2>"$E2E_TMP/hook.err" &&
    E2E_RC=0 || E2E_RC=$?
  end=$(date +%s%N)
  kill "$writer" 2>/dev/null
  e2e_expect "createRuntime, stdin never closed: the deadline" \
    "3:seccomp-hook: createRuntime: container ?: profile (none): deadline of 2000 ms passed; refused" \
    "$E2E_RC:$(cat "$E2E_TMP/hook.out" "$E2E_TMP/hook.err")"
  e2e_expect "createRuntime, stdin never closed: ended within 2-4 s" yes \
    "$( (((end - start) / 1000000 >= 2000 && (end - start) / 1000000 < 4000)) && echo yes || echo "no: $(((end - start) / 1000000)) ms")"
}

# --- files --------------------------------------------------------------------------

check_files() {
  local id=scce-$$-files fake before=$E2E_TMP/before.json missing=$E2E_TMP/no-such-config.json
  local nobundle=$E2E_TMP/no-such-bundle
  run_hook "$(state_file "$id" 1 "$nobundle")" --config "$HOOK_CONFIG" createRuntime
  e2e_expect "createRuntime, missing bundle" \
    "1:seccomp-hook: createRuntime: container $id: profile (none): refused: cannot read $nobundle/config.json: the bundle: No such file or directory [input-unreadable]" \
    "$E2E_RC:$HOOK_ERR"
  start_victim
  run_hook "$(state_file "$id" "$VICTIM" "$nobundle" running)" --config "$HOOK_CONFIG" poststart
  e2e_expect "poststart, missing bundle: refused" \
    "1:seccomp-hook: poststart: container $id: profile (none): refused: cannot read $nobundle/config.json: the bundle: No such file or directory [input-unreadable]; container process killed" \
    "$E2E_RC:$HOOK_ERR"
  e2e_expect "poststart, missing bundle: the container process was SIGKILLed" 137 "$(victim_status)"
  fake=$(fake_runtime)
  run_hook /dev/null --config "$HOOK_CONFIG" runtime --runtime "$fake" -- run --bundle "$nobundle" "$id"
  e2e_expect "wrapper, missing bundle: refused, the runtime did not run" \
    "1:seccomp-hook: runtime: container $id: profile (none): refused: cannot read $nobundle/config.json: the bundle: No such file or directory [input-unreadable]:did not run" \
    "$E2E_RC:$HOOK_ERR:$(fake_ran)"

  # A bundle without config.json, and one whose config.json is a symlink.
  hook_bundle deny13 probe 258 -100 0 0
  mv "$E2E_BUNDLE/config.json" "$E2E_TMP/moved.json"
  run_hook "$(state_file "$id" 1 "$E2E_BUNDLE")" --config "$HOOK_CONFIG" createRuntime
  e2e_expect "createRuntime, bundle without config.json" \
    "1:seccomp-hook: createRuntime: container $id: profile (none): refused: cannot read $E2E_BUNDLE/config.json: No such file or directory [input-unreadable]" \
    "$E2E_RC:$HOOK_ERR"
  ln -s "$E2E_TMP/moved.json" "$E2E_BUNDLE/config.json"
  run_hook "$(state_file "$id" 1 "$E2E_BUNDLE")" --config "$HOOK_CONFIG" createRuntime
  e2e_expect "createRuntime, config.json is a symlink" \
    "1:seccomp-hook: createRuntime: container $id: profile (none): refused: cannot read $E2E_BUNDLE/config.json: Too many levels of symbolic links [input-unreadable]" \
    "$E2E_RC:$HOOK_ERR"
  rm "$E2E_BUNDLE/config.json"
  mv "$E2E_TMP/moved.json" "$E2E_BUNDLE/config.json"

  # A missing hook config: every mode refuses; poststart kills; the wrapper runs nothing.
  run_hook "$(state_file "$id" 1 "$E2E_BUNDLE")" --config "$missing" createRuntime
  e2e_expect "createRuntime, missing hook config" \
    "1:seccomp-hook: createRuntime: container $id: profile (none): refused: hook config: cannot open the hook config $missing: No such file or directory [input-unreadable]" \
    "$E2E_RC:$HOOK_ERR"
  run_hook "$E2E_BUNDLE/config.json" --config "$missing" precreate
  e2e_expect "precreate, missing hook config: nothing on stdout" \
    "1:seccomp-hook: precreate: container ? (hostname runc): profile (none): refused: hook config: cannot open the hook config $missing: No such file or directory [input-unreadable]" \
    "$E2E_RC:$HOOK_OUT$HOOK_ERR"
  start_victim
  run_hook "$(state_file "$id" "$VICTIM" "$E2E_BUNDLE" running)" --config "$missing" poststart
  e2e_expect "poststart, missing hook config: refused" \
    "1:seccomp-hook: poststart: container $id: profile (none): refused: hook config: cannot open the hook config $missing: No such file or directory [input-unreadable]" \
    "$E2E_RC:$HOOK_ERR"
  e2e_expect "poststart, missing hook config: the container process was SIGKILLed" 137 "$(victim_status)"
  cp "$E2E_BUNDLE/config.json" "$before"
  fake=$(fake_runtime)
  run_hook /dev/null --config "$missing" runtime --runtime "$fake" -- run --bundle "$E2E_BUNDLE" "$id"
  e2e_expect "wrapper, missing hook config: refused, config.json untouched, the runtime did not run" \
    "1:seccomp-hook: runtime: container $id: profile (none): refused: hook config: cannot open the hook config $missing: No such file or directory [input-unreadable]:same:did not run" \
    "$E2E_RC:$HOOK_ERR:$(cmp -s "$before" "$E2E_BUNDLE/config.json" && echo same):$(fake_ran)"
  # With real runc: the createRuntime entry names the missing config.
  local saved=$HOOK_CONFIG
  HOOK_CONFIG=$missing
  hook_bundle deny13 probe 258 -100 0 0
  HOOK_CONFIG=$saved
  hook_edit_bundle '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO"}'
  hook_run runc direct "$id-runc"
  e2e_expect "runc, createRuntime with a missing hook config: the container does not start" \
    "1::seccomp-hook: createRuntime: container $id-runc: profile (none): refused: hook config: cannot open the hook config $missing: No such file or directory [input-unreadable]:" \
    "$E2E_RC:$E2E_OUT:$(hook_failed_line runc):$(hook_status runc "$id-runc")"

  # Hook configs that are not trustworthy: writable by others, a symlink.
  local loose=$E2E_TMP/loose.json link=$E2E_TMP/link.json
  cp "$HOOK_CONFIG" "$loose"
  chmod 666 "$loose"
  ln -s "$HOOK_CONFIG" "$link"
  run_hook "$E2E_BUNDLE/config.json" --config "$loose" precreate
  e2e_expect "precreate, hook config writable by others" \
    "1:seccomp-hook: precreate: container ? (hostname runc): profile (none): refused: hook config: the hook config $loose: writable by group or others [input-unreadable]" \
    "$E2E_RC:$HOOK_OUT$HOOK_ERR"
  run_hook "$E2E_BUNDLE/config.json" --config "$link" precreate
  e2e_expect "precreate, hook config is a symlink" \
    "1:seccomp-hook: precreate: container ? (hostname runc): profile (none): refused: hook config: cannot open the hook config $link: Too many levels of symbolic links [input-unreadable]" \
    "$E2E_RC:$HOOK_OUT$HOOK_ERR"
}

# --- cache --------------------------------------------------------------------------

# The cache entry precreate --runtime-name crun writes for PROFILE into an empty dir,
# in ENTRY.
ENTRY=""
entry_for() {
  local profile=$1 dir=$E2E_TMP/scratch-$1 conf=$E2E_TMP/scratch-$1.json
  hook_write_config "$conf" ".cacheDir = \"$dir\""
  hook_bundle "$profile" true
  run_hook "$E2E_BUNDLE/config.json" --config "$conf" precreate --runtime-name crun
  [ "$E2E_RC" = 0 ] || e2e_die "precreate for $profile failed: $HOOK_ERR"
  ENTRY=$(ls "$dir"/*.bpf)
}

# precreate --runtime-name crun for deny13 with cacheDir DIR, container hostname HOST:
# the handed-over program in $E2E_TMP/HOST.bpf, the log lines (key and temp name
# masked) in HOOK_LINES.
HOOK_LINES=""
precreate_with_cache() {
  local dir=$1 host=$2 conf=$E2E_TMP/cache-$2.json
  hook_write_config "$conf" ".cacheDir = \"$dir\""
  hook_bundle deny13 true
  hook_edit_bundle --arg h "$host" '.hostname = $h'
  run_hook "$E2E_BUNDLE/config.json" --config "$conf" precreate --runtime-name crun
  printf '%s' "$HOOK_OUT" >"$E2E_BUNDLE/config.json"
  hook_handover_bytes "$E2E_TMP/$host.bpf"
  HOOK_LINES=$(hook_log_masked precreate "? (hostname $host)" | sed -E 's/\.tmp-[0-9a-f]{16}/.tmp-R/')
}

check_cache() {
  local deny13 other key ro=$E2E_TMP/ro-cache ours=$E2E_TMP/deny13.bpf id
  local prefix applied
  entry_for deny13
  deny13=$ENTRY
  entry_for default
  other=$ENTRY
  key=$(basename "$deny13" .bpf)
  tail -c +41 "$deny13" >"$ours"
  applied="applied: linux.seccomp from $HOOK_PROFILES/deny13.json (sha256 H, 2 rules); BPF handed to crun"

  # Read-only, holding a bad entry under deny13's key (another profile's entry copied).
  mkdir -p "$ro"
  mount -t tmpfs -o size=1m,mode=0700 e2e-ro-cache "$ro" || e2e_die "cannot mount a tmpfs on $ro"
  e2e_defer "umount -l $ro"
  cp "$other" "$ro/$key.bpf"
  mount -o remount,ro "$ro" || e2e_die "cannot remount $ro read-only"
  precreate_with_cache "$ro" ro-cache
  prefix="seccomp-hook: precreate: container ? (hostname ro-cache): profile \"deny13\" (annotation)"
  e2e_expect "read-only cache with a bad entry: precreate succeeds" 0 "$E2E_RC"
  e2e_expect "read-only cache with a bad entry: the entry is rejected, nothing can be stored" \
    "$prefix: warning: cache entry $key.bpf does not match its checksum (changed, or copied from another key); recompiling [cache-entry-invalid]
$prefix: warning: program cache $ro: cannot store $key.bpf (create .$key.tmp-R: Read-only file system); the program was compiled in memory [cache-unusable]
$prefix: $applied (cache uncached, key H, program sha256 H)" "$HOOK_LINES"
  e2e_expect "read-only cache with a bad entry: crun gets the right program, compiled in memory" same \
    "$(cmp -s "$E2E_TMP/ro-cache.bpf" "$ours" && echo same || echo different)"
  # The same through the wrapper with a real crun container, createRuntime and poststart.
  local saved=$HOOK_CONFIG
  HOOK_CONFIG=$E2E_TMP/cache-ro-cache.json
  id=scce-$$-ro-cache
  hook_bundle deny13 sh -c 'probe 258 -100 0 0; exec sleep 1'
  hook_run crun wrapper "$id"
  HOOK_CONFIG=$saved
  e2e_expect "read-only cache, crun container: EACCES as deny13 says (the bad entry would give EPERM)" \
    "0 errno EACCES" "$E2E_RC $E2E_OUT"
  e2e_expect "read-only cache, crun container: createRuntime and poststart checked it in memory" \
    "seccomp-hook: createRuntime: container $id: profile \"deny13\" (annotation): allowed: linux.seccomp satisfies the policy (cache uncached, key H, program sha256 H)
seccomp-hook: poststart: container $id: profile \"deny13\" (annotation): attested: 1 live filter(s) byte-identical to the expected program (compiled in memory, program sha256 H)" \
    "$(hook_log_masked createRuntime "$id" | grep -v warning; hook_log_masked poststart "$id" | grep -v warning)"
  e2e_expect "read-only cache: still only the bad entry, unchanged" "$key.bpf same" \
    "$(entries "$ro") $(cmp -s "$other" "$ro/$key.bpf" && echo same)"

  # A cache directory with mode 755, one owned by another user, one whose parent is missing.
  local loose=$E2E_TMP/cache-755 foreign=$E2E_TMP/cache-foreign missing=$E2E_TMP/no-parent/cache
  mkdir -m 755 "$loose"
  mkdir -m 700 "$foreign"
  chown 65534 "$foreign"
  precreate_with_cache "$loose" mode-755
  e2e_expect "cache dir with mode 755: not used, compiled in memory" \
    "0:seccomp-hook: precreate: container ? (hostname mode-755): profile \"deny13\" (annotation): warning: program cache $loose not used: its mode is 755, not 700; compiling in memory [cache-unusable]:same:" \
    "$E2E_RC:$(head -1 <<<"$HOOK_LINES"):$(cmp -s "$E2E_TMP/mode-755.bpf" "$ours" && echo same):$(entries "$loose")"
  precreate_with_cache "$foreign" foreign
  e2e_expect "cache dir owned by uid 65534: not used, compiled in memory" \
    "0:seccomp-hook: precreate: container ? (hostname foreign): profile \"deny13\" (annotation): warning: program cache $foreign not used: it is owned by uid 65534, not root; compiling in memory [cache-unusable]:same:" \
    "$E2E_RC:$(head -1 <<<"$HOOK_LINES"):$(cmp -s "$E2E_TMP/foreign.bpf" "$ours" && echo same):$(entries "$foreign")"
  precreate_with_cache "$missing" no-parent
  e2e_expect "cache dir whose parent is missing: not used, compiled in memory" \
    "0:seccomp-hook: precreate: container ? (hostname no-parent): profile \"deny13\" (annotation): warning: program cache $missing not used: it is missing and cannot be created (No such file or directory); compiling in memory [cache-unusable]:same" \
    "$E2E_RC:$(head -1 <<<"$HOOK_LINES"):$(cmp -s "$E2E_TMP/no-parent.bpf" "$ours" && echo same)"

  # A writable cache whose entry lost a byte's worth of truth: rejected and replaced.
  local rw=$E2E_TMP/cache-rw
  mkdir -m 700 "$rw"
  cp "$deny13" "$rw/"
  printf '\377' | dd of="$rw/$key.bpf" bs=1 seek=60 conv=notrunc status=none
  precreate_with_cache "$rw" corrupted
  e2e_expect "corrupted entry: rejected, recompiled, replaced" \
    "seccomp-hook: precreate: container ? (hostname corrupted): profile \"deny13\" (annotation): warning: cache entry $key.bpf does not match its checksum (changed, or copied from another key); recompiling [cache-entry-invalid]
seccomp-hook: precreate: container ? (hostname corrupted): profile \"deny13\" (annotation): $applied (cache miss, key H, program sha256 H)" \
    "$HOOK_LINES"
  e2e_expect "corrupted entry: the program handed over and the new entry are right" "same $key ok $(($(stat -c %s "$ours") / 8))" \
    "$(cmp -s "$E2E_TMP/corrupted.bpf" "$ours" && echo same) $(hook_check_cache "$rw")"
}

# --- sigkill ------------------------------------------------------------------------

# Start "$@" (stdin from the file INPUT, stdout to the file OUT) under strace with every
# call of SYSCALL held for 3 s on entry, and SIGKILL the traced process (not strace) once
# it is inside the first one. Fails the test if the process never reached SYSCALL.
kill_in_syscall() {
  local syscall=$1 input=$2 out=$3 strace_pid pid i
  shift 3
  rm -f "$E2E_TMP/strace.log"
  strace -f -o "$E2E_TMP/strace.log" -e trace="$syscall" -e inject="$syscall":delay_enter=3000000 "$@" \
    <"$input" >"$out" 2>"$E2E_TMP/killed.err" &
  strace_pid=$!
  for ((i = 0; i < 200; i++)); do
    grep -q "$syscall(" "$E2E_TMP/strace.log" 2>/dev/null && break
    sleep 0.02
  done
  pid=$(pgrep -P "$strace_pid" | head -1)
  if [ -z "$pid" ] || [ "$i" -ge 200 ]; then
    e2e_die "the hook did not reach $syscall under strace: $(cat "$E2E_TMP/strace.log" "$E2E_TMP/killed.err")"
  fi
  kill -KILL "$pid"
  wait "$strace_pid" 2>/dev/null || true
}

kill_in_fsync() { kill_in_syscall fsync "$@"; }

# Every file in DIR is a valid entry or a hidden temporary file of the writer's pattern.
check_cache_sane() {
  local dir=$1 what=$2
  e2e_expect "$what: every entry valid" "" "$(hook_check_cache "$dir" | grep -v ' ok ')"
  e2e_expect "$what: nothing but entries and hidden temporary files" "" \
    "$(entries "$dir" | grep -v -E '^[0-9a-f]{64}\.bpf$|^\.[0-9a-f]{64}\.tmp-[0-9a-f]{16}$')"
}

check_sigkill() {
  e2e_require_cmd strace
  local dir=$E2E_TMP/kcache conf=$E2E_TMP/kill.json input ours=$E2E_TMP/ours.bpf key i delay
  local entry=0 temp=0 nothing=0 before=$E2E_TMP/before.json
  hook_write_config "$conf" ".cacheDir = \"$dir\""
  hook_bundle deny13 true
  input=$E2E_BUNDLE/config.json
  run_hook "$input" --config "$conf" precreate --runtime-name crun
  [ "$E2E_RC" = 0 ] || e2e_die "precreate failed: $HOOK_ERR"
  printf '%s' "$HOOK_OUT" >"$E2E_TMP/reference.json"
  jq -r '.annotations["run.oci.seccomp_bpf_data"]' "$E2E_TMP/reference.json" | base64 -d >"$ours"
  key=$(basename "$(ls "$dir"/*.bpf)" .bpf)

  # 1. Killed inside the fsync of the temporary entry: no entry, one hidden temp file.
  rm -f "$dir"/*.bpf
  kill_in_fsync "$input" "$E2E_TMP/killed.out" "$HOOK_BIN" --config "$conf" precreate --runtime-name crun
  e2e_expect "killed in the cache write: no entry, one hidden temporary file, nothing on stdout" \
    "1 0 0" "$(entries "$dir" | grep -c -E "^\.$key\.tmp-[0-9a-f]{16}$") $(hook_check_cache "$dir" | wc -l) $(wc -c <"$E2E_TMP/killed.out")"
  check_cache_sane "$dir" "killed in the cache write"
  # 2. The next start compiles and stores a valid entry; the young temporary file stays.
  run_hook "$input" --config "$conf" precreate --runtime-name crun
  e2e_expect "after the kill: the next start stores a valid entry" "0 $key ok $(($(stat -c %s "$ours") / 8)) same" \
    "$E2E_RC $(hook_check_cache "$dir") $(cmp -s <(printf '%s' "$HOOK_OUT") "$E2E_TMP/reference.json" && echo same)"
  # 3. Once it is older than a minute, the next writer removes it.
  find "$dir" -name '.*.tmp-*' -exec touch -d '2 minutes ago' {} +
  rm -f "$dir"/*.bpf
  run_hook "$input" --config "$conf" precreate --runtime-name crun
  e2e_expect "a stale temporary file is swept by the next writer" "$key.bpf" "$(entries "$dir")"

  # 4. The wrapper's rewrite of config.json (docs/hook.md, runtime): the text goes to an
  # unnamed O_TMPFILE file, which gets a name only for linkat + renameat2, with signals
  # blocked. a) Killed while the unnamed file is written (in its fchmod): nothing left.
  local fake wrapper
  fake=$(fake_runtime)
  hook_bundle deny13 true
  cp "$E2E_BUNDLE/config.json" "$before"
  wrapper=("$HOOK_BIN" --config "$HOOK_CONFIG" runtime --runtime "$fake" -- run --bundle "$E2E_BUNDLE" scce-$$-killed)
  kill_in_syscall fchmod /dev/null "$E2E_TMP/killed.out" "${wrapper[@]}"
  e2e_expect "wrapper killed writing the new config.json: the old file, nothing else, the runtime did not run" \
    "same:config.json:did not run" "$(cmp -s "$before" "$E2E_BUNDLE/config.json" && echo same):$(entries "$E2E_BUNDLE" | tr '\n' ' ' | sed 's/ $//'):$(fake_ran)"
  # b) Killed between linkat and the exchange (SIGKILL cannot be blocked): the named
  # temporary file of a dead pid is left, config.json is still the old one...
  kill_in_syscall renameat2 /dev/null "$E2E_TMP/killed.out" "${wrapper[@]}"
  e2e_expect "wrapper killed between link and exchange: the old config.json, one .config.json.tmp-PID-R of the dead writer" \
    "same:1:did not run" \
    "$(cmp -s "$before" "$E2E_BUNDLE/config.json" && echo same):$(entries "$E2E_BUNDLE" | grep -c -E '^\.config\.json\.tmp-[0-9]+-[0-9a-f]{6}$'):$(fake_ran)"
  # ... which the next run in the bundle removes, and that run succeeds.
  "${wrapper[@]}" </dev/null >/dev/null 2>"$E2E_TMP/next.err" && E2E_RC=0 || E2E_RC=$?
  e2e_expect "after the kill: the next run rewrites config.json, removes the dead writer's file, runs the runtime" \
    "0:config.json:ran:deny13" \
    "$E2E_RC:$(entries "$E2E_BUNDLE" | tr '\n' ' ' | sed 's/ $//'):$(fake_ran):$(jq -r '.annotations["seccomp-hook.profile"]' "$E2E_BUNDLE/config.json")"
  e2e_expect "after the kill: config.json holds the profile's errno" 13 \
    "$(jq '.linux.seccomp.syscalls[0].errnoRet' "$E2E_BUNDLE/config.json")"
  # c) The deadline (SIGALRM) while the unnamed file is written: exit 3, nothing left.
  local quick=$E2E_TMP/quick.json
  hook_write_config "$quick" '.deadlineMs = 300'
  cp "$before" "$E2E_BUNDLE/config.json"
  fake=$(fake_runtime)
  strace -f -o /dev/null -e trace=fchmod -e inject=fchmod:delay_enter=1500000 \
    "$HOOK_BIN" --config "$quick" runtime --runtime "$fake" -- run --bundle "$E2E_BUNDLE" scce-$$-late \
    </dev/null >/dev/null 2>"$E2E_TMP/late.err" && E2E_RC=0 || E2E_RC=$?
  e2e_expect "deadline while writing config.json: exit 3, the old file, nothing else, no runtime" \
    "3:same:config.json:did not run" \
    "$E2E_RC:$(cmp -s "$before" "$E2E_BUNDLE/config.json" && echo same):$(entries "$E2E_BUNDLE" | tr '\n' ' ' | sed 's/ $//'):$(fake_ran)"
  # d) The deadline between linkat and the exchange: the signal waits for the exchange,
  # so config.json is the whole new file and no name is left; exit 3, no runtime.
  strace -f -o /dev/null -e trace=linkat -e inject=linkat:delay_enter=1500000 \
    "$HOOK_BIN" --config "$quick" runtime --runtime "$fake" -- run --bundle "$E2E_BUNDLE" scce-$$-late \
    </dev/null >/dev/null 2>"$E2E_TMP/late.err" && E2E_RC=0 || E2E_RC=$?
  e2e_expect "deadline between link and exchange: exit 3, the whole new config.json, nothing else, no runtime" \
    "3:13:config.json:did not run" \
    "$E2E_RC:$(jq '.linux.seccomp.syscalls[0].errnoRet' "$E2E_BUNDLE/config.json"):$(entries "$E2E_BUNDLE" | tr '\n' ' ' | sed 's/ $//'):$(fake_ran)"
  # e) Killed at random points, 30 times, without a cache (so each run decides anew):
  # config.json is always the old or the whole new text, and the next run leaves no name.
  local nocache=$E2E_TMP/nocache.json after=$E2E_TMP/after.json old=0 new=0 torn=0
  hook_write_config "$nocache" 'del(.cacheDir)'
  cp "$before" "$E2E_BUNDLE/config.json"
  "$HOOK_BIN" --config "$nocache" runtime --runtime /bin/true -- run --bundle "$E2E_BUNDLE" x </dev/null 2>/dev/null
  cp "$E2E_BUNDLE/config.json" "$after"
  for ((i = 0; i < 30; i++)); do
    cp "$before" "$E2E_BUNDLE/config.json"
    "$HOOK_BIN" --config "$nocache" runtime --runtime /bin/true -- run --bundle "$E2E_BUNDLE" x </dev/null 2>/dev/null &
    sleep "$(printf '0.%03d' $((RANDOM % 15)))"
    kill -KILL $! 2>/dev/null
    wait $! 2>/dev/null
    if cmp -s "$before" "$E2E_BUNDLE/config.json"; then old=$((old + 1))
    elif cmp -s "$after" "$E2E_BUNDLE/config.json"; then new=$((new + 1))
    else torn=$((torn + 1)); fi
  done
  e2e_log "random kills of the wrapper: $old left the old config.json, $new the new one, $torn anything else"
  e2e_expect "random kills of the wrapper: config.json never torn" 0 "$torn"
  "$HOOK_BIN" --config "$nocache" runtime --runtime /bin/true -- run --bundle "$E2E_BUNDLE" x </dev/null 2>/dev/null &&
    E2E_RC=0 || E2E_RC=$?
  e2e_expect "random kills of the wrapper: the next run succeeds and leaves nothing but config.json" \
    "0:config.json" "$E2E_RC:$(entries "$E2E_BUNDLE" | tr '\n' ' ' | sed 's/ $//')"

  # 5. Killed at random points, 20 times: every file left is a valid entry or a temp file.
  for ((i = 0; i < 20; i++)); do
    rm -f "$dir"/*.bpf
    delay=$(printf '0.%03d' $((RANDOM % 50)))
    "$HOOK_BIN" --config "$conf" precreate --runtime-name crun <"$input" >/dev/null 2>&1 &
    # (an explicit redirection: a background command's stdin would be /dev/null)
    sleep "$delay"
    kill -KILL $! 2>/dev/null
    wait $! 2>/dev/null
    if [ -e "$dir/$key.bpf" ]; then
      entry=$((entry + 1))
    elif entries "$dir" | grep -q tmp-; then
      temp=$((temp + 1))
    else
      nothing=$((nothing + 1))
    fi
    hook_check_cache "$dir" | grep -q -v ' ok ' && break
  done
  e2e_log "random kills: $entry left an entry, $temp only temporary files, $nothing nothing new"
  check_cache_sane "$dir" "after 20 random kills"
  run_hook "$input" --config "$conf" precreate --runtime-name crun
  e2e_expect "after the random kills: the next start hands over the right program" "0 same" \
    "$E2E_RC $(cmp -s <(printf '%s' "$HOOK_OUT") "$E2E_TMP/reference.json" && echo same)"
  e2e_expect "no start in this test ever met an invalid cache entry" 0 "$(grep -c cache-entry-invalid "$HOOK_LOG")"
}

main() {
  local theme=${1:?usage: hook_failclosed.sh names|stdin|files|cache|sigkill}
  hook_init
  case "$theme" in
    names) check_names ;;
    stdin) check_stdin ;;
    files) check_files ;;
    cache) check_cache ;;
    sigkill) check_sigkill ;;
    *) e2e_die "unknown theme $theme" ;;
  esac
  e2e_finish
}

main "$@"
