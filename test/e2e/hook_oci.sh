#!/bin/bash
# seccomp-hook with real runc or crun (crun through lib.sh's cgroup wrapper), the hook
# entries of deploy/runc-crun/config-hooks.json in config.json, and the runtime wrapper
# (`seccomp-hook runtime`) for profile selection:
#
#   hook_oci.sh runc|crun
#
# 1. a profile chosen by annotation reaches the container (and the default without one);
# 2. createRuntime alone refuses a config.json weaker than the selected profile;
# 3. an invalid profile: the container does not start, the message names it and the error;
# 4. an unconfined container is refused (policy refuseUnconfined);
# 5. poststart kills a container whose live filter is not what config.json asks for,
#    through the runtime and by hand;
# 6. crun only: the hand-over (run.oci.seccomp_bpf_data): crun loads exactly our program;
# 7. crun only: an altered program cache entry is caught by poststart;
# 8. ioctl(fd, TIOCSTI | 1 << 32) gets the profile's EPERM under runc too (width-exact form).
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR disable=SC2119,SC2016  # hook_check_cache: default dir; jq filters in single quotes

. "$(dirname "$0")/hook_lib.sh"

RT=""
PROBES="probe 110; probe 258 -100 0 0; probe 83 0 0; grep '^Seccomp:' /proc/self/status"

# What PROBES print under a profile denying mkdir and mkdirat with ERRNO: getppid from a
# child of the container's sh is 1, the two denied calls get ERRNO, the mode is 2.
probes_under() { printf 'ok 1\nerrno %s\nerrno %s\nSeccomp:\t2' "$1" "$1"; }

id_for() { echo "scce-$$-$1"; }

# The line the wrapper logs when it applies PROFILE for RT.
applied_line() {
  local id=$1 profile=$2 source=$3 cache=$4 line
  line="seccomp-hook: runtime: container $id: profile \"$profile\" ($source): applied: linux.seccomp from $HOOK_PROFILES/$profile.json (sha256 H, 2 rules)"
  [ "$RT" = crun ] && line="$line; BPF handed to crun (cache $cache, key H, program sha256 H)"
  echo "$line"
}

attested_line() {
  local id=$1 profile=$2 source=$3 how="equivalent (proven) to"
  [ "$RT" = crun ] && how="byte-identical to"
  echo "seccomp-hook: poststart: container $id: profile \"$profile\" ($source): attested: 1 live filter(s) $how the expected program (compiled in memory, program sha256 H)"
}

# 1. The annotation selects deny13 (EACCES); without one the default (EPERM) applies. The
# container sleeps a second so that poststart finds it running and attests its filter.
check_selection() {
  local id
  id=$(id_for annotated)
  hook_bundle deny13 sh -c "$PROBES; exec sleep 1"
  hook_run "$RT" wrapper "$id"
  e2e_expect "$RT: annotation deny13: probes get EACCES, getppid works" "$(probes_under EACCES)" "$E2E_OUT"
  e2e_expect "$RT: annotation deny13: exit status" 0 "$E2E_RC"
  e2e_expect "$RT: annotation deny13: the wrapper applied the profile" \
    "$(applied_line "$id" deny13 annotation miss)" "$(hook_log_of runtime "$id")"
  # runc: createRuntime compiles first (miss); crun: the wrapper did, for the hand-over.
  local cache=miss
  [ "$RT" = crun ] && cache=hit
  e2e_expect "$RT: annotation deny13: createRuntime allowed it" \
    "seccomp-hook: createRuntime: container $id: profile \"deny13\" (annotation): allowed: linux.seccomp satisfies the policy (cache $cache, key H, program sha256 H)" \
    "$(hook_log_of createRuntime "$id")"
  e2e_expect "$RT: annotation deny13: poststart attested the live filter" \
    "$(attested_line "$id" deny13 annotation)" "$(hook_log_of poststart "$id")"

  id=$(id_for default)
  hook_bundle "" sh -c "$PROBES"
  hook_run "$RT" wrapper "$id"
  e2e_expect "$RT: no annotation: the default profile's EPERM" "$(probes_under EPERM)" "$E2E_OUT"
  e2e_expect "$RT: no annotation: exit status" 0 "$E2E_RC"
  e2e_expect "$RT: no annotation: the wrapper applied the default" \
    "$(applied_line "$id" default default miss)" "$(hook_log_of runtime "$id")"
}

# 2. Without the wrapper nothing rewrites config.json: createRuntime refuses the
# container, whose own linux.seccomp allows what deny13 denies.
check_enforcement() {
  local id
  id=$(id_for weaker)
  hook_bundle deny13 sh -c "$PROBES"
  hook_edit_bundle '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [{"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
  hook_run "$RT" direct "$id"
  e2e_expect "$RT: createRuntime only, linux.seccomp weaker than deny13: no output" "" "$E2E_OUT"
  e2e_expect "$RT: createRuntime only, linux.seccomp weaker than deny13: the hook's line" \
    "seccomp-hook: createRuntime: container $id: profile \"deny13\" (annotation): refused: linux.seccomp of config.json is looser than profile \"deny13\": on x86_64, mkdir with any arguments gets ALLOW where the baseline gives ERRNO(13) EACCES, e.g. mkdir(0, 0, 0, 0, 0, 0) [policy-violation] (and 5 more errors)" \
    "$(hook_failed_line "$RT")"
  e2e_expect "$RT: createRuntime only, linux.seccomp weaker than deny13: no container" "" "$(hook_status "$RT" "$id")"
}

# 3. A profile with a syscall that does not exist.
check_invalid_profile() {
  local id before=$E2E_TMP/before.json
  local reason='refused: unknown syscall "mkdri" [unknown-syscall at /syscalls/0/names/0, line 2 column 26]; did you mean "mkdir"?'
  id=$(id_for broken-wrapper)
  hook_bundle broken sh -c "$PROBES"
  cp "$E2E_BUNDLE/config.json" "$before"
  hook_run "$RT" wrapper "$id"
  e2e_expect "$RT: wrapper, invalid profile: the wrapper's one line" \
    "seccomp-hook: runtime: container $id: profile \"broken\" (annotation): $reason" "$(cat "$E2E_TMP/last.err")"
  e2e_expect "$RT: wrapper, invalid profile: exit status" 1 "$E2E_RC"
  e2e_expect "$RT: wrapper, invalid profile: config.json untouched" same \
    "$(cmp -s "$before" "$E2E_BUNDLE/config.json" && echo same || echo changed)"
  e2e_expect "$RT: wrapper, invalid profile: no container" "" "$(hook_status "$RT" "$id")"

  id=$(id_for broken-direct)
  hook_bundle broken sh -c "$PROBES"
  hook_edit_bundle '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO"}'
  hook_run "$RT" direct "$id"
  e2e_expect "$RT: createRuntime, invalid profile: the hook's line" \
    "seccomp-hook: createRuntime: container $id: profile \"broken\" (annotation): $reason" "$(hook_failed_line "$RT")"
  e2e_expect "$RT: createRuntime, invalid profile: no output" "" "$E2E_OUT"
  e2e_expect "$RT: createRuntime, invalid profile: no container" "" "$(hook_status "$RT" "$id")"
}

# 4. Unconfined: asked for by annotation (wrapper and createRuntime), and a config.json
# without linux.seccomp under a config with no default profile to fill it in.
check_unconfined() {
  local id saved=$HOOK_CONFIG
  local reason='refused: "unconfined" is refused: policy.refuseUnconfined is set [policy-violation]'
  id=$(id_for unconfined-wrapper)
  hook_bundle unconfined sh -c "$PROBES"
  hook_run "$RT" wrapper "$id"
  e2e_expect "$RT: wrapper, annotation unconfined: refused" \
    "seccomp-hook: runtime: container $id: profile \"unconfined\" (annotation): $reason" "$(cat "$E2E_TMP/last.err")"
  e2e_expect "$RT: wrapper, annotation unconfined: no container" "" "$(hook_status "$RT" "$id")"

  id=$(id_for unconfined-direct)
  hook_bundle unconfined sh -c "$PROBES"
  hook_run "$RT" direct "$id"
  e2e_expect "$RT: createRuntime, annotation unconfined: refused" \
    "seccomp-hook: createRuntime: container $id: profile \"unconfined\" (annotation): $reason" "$(hook_failed_line "$RT")"
  e2e_expect "$RT: createRuntime, annotation unconfined: no output, no container" ":" "$E2E_OUT:$(hook_status "$RT" "$id")"

  HOOK_CONFIG=$E2E_TMP/no-default.json
  hook_write_config "$HOOK_CONFIG" 'del(.defaultProfile) | .policy.requireProfile = false'
  id=$(id_for no-seccomp)
  hook_bundle "" sh -c "$PROBES"
  hook_run "$RT" direct "$id"
  HOOK_CONFIG=$saved
  e2e_expect "$RT: createRuntime, no linux.seccomp: refused" \
    "seccomp-hook: createRuntime: container $id: profile (none): refused: the container is unconfined (config.json has no linux.seccomp that denies anything) and policy.refuseUnconfined is set [policy-violation]" \
    "$(hook_failed_line "$RT")"
  e2e_expect "$RT: createRuntime, no linux.seccomp: no output, no container" ":" "$E2E_OUT:$(hook_status "$RT" "$id")"
}

# 5a. A second createRuntime hook changes config.json after the runtime read it: the live
# filter (EACCES) is no longer what the file asks for (EPERM). poststart must kill it.
check_attestation_in_runtime() {
  local id pid mismatch
  id=$(id_for tampered)
  hook_tamper_script
  hook_bundle deny13 sh -c 'sleep 3; echo survived'
  hook_edit_bundle --arg s "$E2E_TMP/tamper.sh" --arg c "$E2E_BUNDLE/config.json" \
    --arg st "$E2E_TMP/tamper-state.json" '.hooks.createRuntime += [{"path": $s, "args": ["tamper", $c, $st]}]'
  hook_run "$RT" wrapper "$id"
  mismatch="seccomp-hook: poststart: container $id: profile \"deny13\" (annotation): refused: the live filter is not what linux.seccomp asks for: x86_64 mkdir(nr 83, args 0 0 0 0 0 0): live ERRNO(13) EACCES, expected ERRNO(1) EPERM; container process killed"
  e2e_expect "$RT: tampered config.json: poststart's line" "$mismatch" "$(hook_failed_line "$RT")"
  e2e_expect "$RT: tampered config.json: poststart's line in the log" "$mismatch" "$(hook_log_of poststart "$id")"
  e2e_expect "$RT: tampered config.json: the container never got to print" "" "$E2E_OUT"
  # runc fails the run (and would kill the container itself); crun ignores a failed
  # poststart hook and reports the container's own end: killed by SIGKILL.
  if [ "$RT" = runc ]; then
    e2e_expect "$RT: tampered config.json: runc run fails" 1 "$E2E_RC"
  else
    e2e_expect "$RT: tampered config.json: the container was SIGKILLed" 137 "$E2E_RC"
  fi
  pid=$(jq -r .pid "$E2E_TMP/tamper-state.json" 2>/dev/null)
  e2e_expect "$RT: tampered config.json: the container process ($pid) is gone" gone \
    "$( [ -n "$pid" ] && [ ! -e "/proc/$pid" ] && echo gone || echo "still there or unknown")"
}

# 5b. poststart by hand against a running container: attested while config.json is what
# the container runs, then config.json changes and poststart kills the container.
check_attestation_by_hand() {
  local id pid err=$E2E_TMP/poststart.err rc i status
  id=$(id_for by-hand)
  hook_bundle deny13 sleep 30
  hook_edit_bundle 'del(.hooks.poststart)'
  hook_run "$RT" wrapper "$id" -d
  e2e_expect "$RT: detached container: started" "0 running" "$E2E_RC $(hook_status "$RT" "$id")"
  pid=$(hook_pid "$RT" "$id")
  hook_state "$id" "$pid" "$E2E_BUNDLE" running | "$HOOK_BIN" --config "$HOOK_CONFIG" poststart 2>"$err" && rc=0 || rc=$?
  e2e_expect "$RT: poststart by hand, config.json unchanged: exit 0, nothing on stderr" "0:" "$rc:$(cat "$err")"
  # The first container (check_selection) ran the same profile: its verdict is replayed
  # for the same live filter.
  e2e_expect "$RT: poststart by hand, config.json unchanged: attested (verdict of the same filter replayed)" \
    "$(attested_line "$id" deny13 annotation); decision cached" "$(hook_log_of poststart "$id")"
  e2e_expect "$RT: poststart by hand, config.json unchanged: still running" running "$(hook_status "$RT" "$id")"
  hook_edit_bundle '.linux.seccomp.syscalls[0].errnoRet = 1 | del(.annotations["run.oci.seccomp_bpf_data"])'
  hook_state "$id" "$pid" "$E2E_BUNDLE" running | "$HOOK_BIN" --config "$HOOK_CONFIG" poststart 2>"$err" && rc=0 || rc=$?
  e2e_expect "$RT: poststart by hand, config.json changed: exit 4 and the reason" \
    "4:seccomp-hook: poststart: container $id: profile \"deny13\" (annotation): refused: the live filter is not what linux.seccomp asks for: x86_64 mkdir(nr 83, args 0 0 0 0 0 0): live ERRNO(13) EACCES, expected ERRNO(1) EPERM; container process killed" \
    "$rc:$(cat "$err")"
  for ((i = 0; i < 40; i++)); do
    status=$(hook_status "$RT" "$id")
    [ "$status" = running ] || break
    sleep 0.05
  done
  e2e_expect "$RT: poststart by hand, config.json changed: the container stopped" stopped "$status"
}

# 6. crun: the wrapper hands crun our compiled program; crun loads exactly those bytes
# (the live filter, dumped with seccomp-convert inspect, equals the annotation and the
# cache entry), a warm start compiles nothing, and without the hand-over crun compiles
# linux.seccomp itself into a different program that is still attested as equivalent.
check_handover() {
  local id pid ours=$E2E_TMP/handover.bpf entry
  [ -x "${HOOK_CONVERT:-/nonexistent}" ] || e2e_die "SCC_CONVERT_BIN is not set (CTest sets it)"
  rm -f "$HOOK_CACHE"/*.bpf "$HOOK_CACHE"/*.decision  # a cold start: no program, no decision
  id=$(id_for handover)
  hook_bundle deny13 sleep 30
  hook_run crun wrapper "$id" -d
  pid=$(hook_pid crun "$id")
  hook_handover_bytes "$ours"
  e2e_expect "hand-over: the rewritten config.json carries run.oci.seccomp_bpf_data (whole instructions)" yes \
    "$( [ -s "$ours" ] && [ $(($(stat -c %s "$ours") % 8)) = 0 ] && echo yes || echo no)"
  e2e_expect "hand-over: one valid cache entry" "1 ok" \
    "$(hook_check_cache | awk '{n++; s = s $2} END {print n, s}')"
  entry=$(ls "$HOOK_CACHE"/*.bpf)
  e2e_expect "hand-over: the annotation is the cache entry's program" same \
    "$(tail -c +41 "$entry" | cmp -s - "$ours" && echo same || echo different)"
  e2e_capture "$HOOK_CONVERT" inspect --pid "$pid" -o "$E2E_TMP/live"
  e2e_expect "hand-over: inspect sees one filter" "process $pid: 1 filter" "$(head -1 <<<"$E2E_OUT")"
  e2e_expect "hand-over: the live filter is byte for byte the handed-over program" same \
    "$(cmp -s "$E2E_TMP/live.0.bpf" "$ours" && echo same || echo different)"
  e2e_expect "hand-over: cold start compiled and stored" "$(applied_line "$id" deny13 annotation miss)" \
    "$(hook_log_of runtime "$id")"
  e2e_expect "hand-over: poststart attested byte-identical" "$(attested_line "$id" deny13 annotation)" \
    "$(hook_log_of poststart "$id")"

  id=$(id_for handover-warm)
  hook_bundle deny13 sh -c "$PROBES"
  hook_run crun wrapper "$id"
  e2e_expect "hand-over, warm start: the probes" "$(probes_under EACCES)" "$E2E_OUT"
  e2e_expect "hand-over, warm start: the decision and its program came from the cache" \
    "$(applied_line "$id" deny13 annotation hit); decision cached" "$(hook_log_of runtime "$id")"
  e2e_expect "hand-over, warm start: still one cache entry" 1 "$(hook_check_cache | wc -l)"

  local saved=$HOOK_CONFIG
  HOOK_CONFIG=$E2E_TMP/no-handover.json
  hook_write_config "$HOOK_CONFIG" '.crunHandover = false'
  id=$(id_for no-handover)
  hook_bundle deny13 sleep 30
  hook_run crun wrapper "$id" -d
  HOOK_CONFIG=$saved
  e2e_expect "no hand-over: no run.oci.seccomp_bpf_data" "" \
    "$(jq -r '.annotations["run.oci.seccomp_bpf_data"] // empty' "$E2E_BUNDLE/config.json")"
  e2e_capture "$HOOK_CONVERT" inspect --pid "$(hook_pid crun "$id")" -o "$E2E_TMP/own"
  e2e_expect "no hand-over: crun's own compile differs from ours" different \
    "$(cmp -s "$E2E_TMP/own.0.bpf" "$ours" && echo same || echo different)"
  e2e_expect "no hand-over: and is attested as equivalent" \
    "seccomp-hook: poststart: container $id: profile \"deny13\" (annotation): attested: 1 live filter(s) equivalent (proven) to the expected program (compiled in memory, program sha256 H)" \
    "$(hook_log_of poststart "$id")"
}

# 7. crun: a program cache entry altered consistently (its checksum recomputed, as only
# root could) is what the wrapper hands over and what createRuntime, reading the same
# entry, finds consistent; poststart compiles the expected program in memory, finds the
# hand-over annotation is not that program, and kills the container. (The altered program
# gives mkdir EXDEV, e18's, instead of deny13's EACCES.)
check_tampered_cache() {
  local id conf=$E2E_TMP/tampered-cache.json dir=$E2E_TMP/tcache entry key evil=$E2E_TMP/evil.bpf mismatch
  [ -x "${HOOK_CONVERT:-/nonexistent}" ] || e2e_die "SCC_CONVERT_BIN is not set (CTest sets it)"
  hook_write_config "$conf" ".cacheDir = \"$dir\""
  hook_bundle deny13 true
  "$HOOK_BIN" --config "$conf" precreate --runtime-name crun <"$E2E_BUNDLE/config.json" >/dev/null 2>&1 ||
    e2e_die "precreate could not fill $dir"
  entry=$(ls "$dir"/*.bpf)
  key=$(basename "$entry" .bpf)
  "$HOOK_CONVERT" compile "$HOOK_PROFILES/e18.json" --format bpf -o "$evil" 2>/dev/null || e2e_die "cannot compile e18"
  # shellcheck disable=SC2059  # the digest as \x escapes
  { printf SCCBPF01
    printf "$(cat <(printf '%s' "$key") "$evil" | sha256sum | cut -c1-64 | sed 's/../\\x&/g')"
    cat "$evil"; } >"$entry"
  e2e_expect "tampered cache: the altered entry passes the cache's own checks" "$key ok" \
    "$(hook_check_cache "$dir" | cut -d' ' -f1-2)"
  local saved=$HOOK_CONFIG
  HOOK_CONFIG=$conf
  id=$(id_for tampered-cache)
  hook_bundle deny13 sh -c 'sleep 3; echo survived'
  hook_run crun wrapper "$id"
  HOOK_CONFIG=$saved
  e2e_expect "tampered cache: crun was handed the altered program" same \
    "$(hook_handover_bytes "$E2E_TMP/handed.bpf"; cmp -s "$E2E_TMP/handed.bpf" "$evil" && echo same || echo different)"
  mismatch="seccomp-hook: poststart: container $id: profile \"deny13\" (annotation): refused: run.oci.seccomp_bpf_data is not the program compiled from linux.seccomp: crun would enforce something the profile does not say [policy-violation at /annotations/run.oci.seccomp_bpf_data]; container process killed"
  e2e_expect "tampered cache: poststart's line" "$mismatch" "$(hook_failed_line crun)"
  e2e_expect "tampered cache: the container was SIGKILLed before it could print" "137:" "$E2E_RC:$E2E_OUT"
}

# 8. ioctl(TIOCSTI) denied by EQ 0x5412 on its 32-bit cmd: runc (libseccomp) compares 64
# bits, so the profile the wrapper writes must be the width-exact form (MASKED_EQ on the
# low half) or ioctl(fd, 0x100005412) would run TIOCSTI; poststart then attests the live
# filter with no 32-bit-argument-high-bits tolerance. fd 1023 is not open: EBADF = allowed.
# (mkdir and mkdirat denied too: a profile looser than the default is refused.)
check_tiocsti_high_bits() {
  local id
  id=$(id_for tiocsti)
  cat >"$HOOK_PROFILES/tiocsti.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "archMap": $(e2e_docker_archmap),
 "syscalls": [{"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
               "args": [{"index": 1, "value": 21522, "op": "SCMP_CMP_EQ"}]},
  {"names": ["mkdir", "mkdirat", "kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
  chmod 644 "$HOOK_PROFILES/tiocsti.json"
  hook_bundle tiocsti sh -c "probe 16 1023 0x100005412 0; probe 16 1023 0x5412 0; probe 16 1023 0x5413 0; exec sleep 1"
  hook_run "$RT" wrapper "$id"
  e2e_expect "$RT: TIOCSTI with high bits, plain TIOCSTI, another cmd" \
    "$(printf 'errno EPERM\nerrno EPERM\nerrno EBADF')" "$E2E_OUT"
  e2e_expect "$RT: TIOCSTI: config.json holds the low-half MASKED_EQ" \
    '[{"index":1,"value":4294967295,"valueTwo":21522,"op":"SCMP_CMP_MASKED_EQ"}]' \
    "$(jq -c '.linux.seccomp.syscalls[0].args' "$E2E_BUNDLE/config.json")"
  e2e_expect "$RT: TIOCSTI: poststart attested without tolerance" \
    "$(attested_line "$id" tiocsti annotation)" "$(hook_log_of poststart "$id")"
}

main() {
  RT=${1:?usage: hook_oci.sh runc|crun}
  hook_init
  hook_runtime "$RT"
  check_selection
  check_enforcement
  check_invalid_profile
  check_unconfined
  check_attestation_in_runtime
  check_attestation_by_hand
  check_tiocsti_high_bits
  [ "$RT" = crun ] && check_handover
  [ "$RT" = crun ] && check_tampered_cache
  e2e_finish
}

main "$@"
