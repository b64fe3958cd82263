#!/bin/bash
# Container recording through the hook (docs/hook.md "record" and "poststop"): a
# container annotated seccomp-hook.record=NAME is recorded by `seccomp-hook record`
# (createRuntime) and `seccomp-hook poststop` makes sure $recordDir/NAME.json is
# complete. Then the same workload runs under the recorded profile and passes, and a
# workload that does something else is denied with the profile's EPERM.
#
#   record_hook.sh runc | crun      runc/crun run with the hooks in config.json
#   record_hook.sh podman-runc      podman (runc) with hooks.d entries and --annotation
#   record_hook.sh podman-crun      podman with crun
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR disable=SC2016  # jq filters
. "$(dirname "$0")/hook_lib.sh"

MODE=${1:?usage: record_hook.sh runc|crun|podman-runc|podman-crun}
WORKLOAD='echo hello >/tmp/f && cat /tmp/f && ls / >/dev/null && uname -s'
WORKLOAD_OUT=$'hello\nLinux'
OTHER='mkdir /tmp/d 2>&1; echo rc=$?'
OTHER_OUT=$'mkdir: can\'t create directory \'/tmp/d\': Operation not permitted\nrc=1'
RECORD_DIR=""
# The python3 HTTP workload (http_workload.py) with the host's /usr bound read-only.
HTTP_PY=$(cat "$E2E_DIR/http_workload.py") || exit 1
HTTP_OUT=$'200 hello /r0\n200 hello /r1\n200 hello /r2'
MKDIR_PY='import os
try: os.mkdir("/tmp/d"); print("made")
except OSError as e: print("error", e.errno)'
USR_BIND='.mounts += [{destination: "/usr", type: "bind", source: "/usr", options: ["rbind", "ro"]}]
  | .linux.namespaces |= map(select(.type != "network"))'

# A permissive profile for the recording run (everything allowed but kexec_load).
permissive_profile() {
  cat >"$1" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "architectures": $(e2e_native_arches),
 "syscalls": [{"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
}

# No recorder of this test may be left: a process whose command line names our config.
recorders_left() {
  pgrep -f -- "--config $HOOK_CONFIG record" || true
}

# poststop's line for container ID and the file it names.
check_recorded_file() {
  local name=$1 what=$2
  e2e_expect "$what: poststop finished the recording" \
    "seccomp-hook: poststop: container $3: profile (none): recording written to $RECORD_DIR/$name.json" \
    "$(hook_log poststop "$3")"
  [ -s "$RECORD_DIR/$name.json" ] || e2e_die "$what: $RECORD_DIR/$name.json was not written"
}

check_recorded() {
  local name=$1 what=$2
  check_recorded_file "$@"
  e2e_expect "$what: the recording is a valid profile" 0 "$("$HOOK_CONVERT" check "$RECORD_DIR/$name.json" >/dev/null 2>&1; echo $?)"
  e2e_expect "$what: the recording holds the workload's uname" true \
    "$(jq '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]] | index("uname") != null' "$RECORD_DIR/$name.json")"
  e2e_expect "$what: the recording does not hold mkdir" false \
    "$(jq '[.syscalls[].names[]] | index("mkdir") != null' "$RECORD_DIR/$name.json")"
  e2e_expect "$what: no recorder is left" "" "$(recorders_left)"
  e2e_expect "$what: the lock file is gone" "" "$(find "$RECORD_DIR" -name '.*.recording')"
}

# runc or crun with the hook entries in config.json.
check_oci() {
  local runtime=$1 permissive=$E2E_TMP/permissive.json flat=$E2E_TMP/recorded-flat.json id
  permissive_profile "$permissive"
  e2e_oci_bundle "$permissive" sh -c "$WORKLOAD"
  hook_edit_bundle --arg bin "$HOOK_BIN" --arg cfg "$HOOK_CONFIG" '
    .hooks.createRuntime = [{path: $bin, args: ["seccomp-hook", "--config", $cfg, "record"]}]
    | .hooks.poststop = [{path: $bin, args: ["seccomp-hook", "--config", $cfg, "poststop"]}]
    | .annotations["seccomp-hook.record"] = "web"'
  id=rec-$runtime-1
  hook_run "$runtime" direct "$id"
  e2e_expect "$runtime: recording run output" "$WORKLOAD_OUT" "$E2E_OUT"
  e2e_expect "$runtime: recording run exit status" 0 "$E2E_RC"
  check_recorded web "$runtime" "$id"

  "$HOOK_CONVERT" resolve "$RECORD_DIR/web.json" -o "$flat" || e2e_die "resolve of the recording failed"
  e2e_oci_bundle "$flat" sh -c "$WORKLOAD"
  hook_run "$runtime" direct "rec-$runtime-2"
  e2e_expect "$runtime: the workload under its recorded profile" "$WORKLOAD_OUT" "$E2E_OUT"
  e2e_expect "$runtime: the workload under its recorded profile: exit status" 0 "$E2E_RC"
  e2e_oci_bundle "$flat" sh -c "$OTHER"
  hook_run "$runtime" direct "rec-$runtime-3"
  e2e_expect "$runtime: another workload is denied with EPERM" "$OTHER_OUT" "$E2E_OUT"

  # python3's HTTP server and client, recorded and re-run (host network, for loopback).
  E2E_SPEC_EDIT=".root.readonly = false | $USR_BIND" e2e_oci_bundle "$permissive" timeout 20 python3 -c "$HTTP_PY"
  hook_edit_bundle --arg bin "$HOOK_BIN" --arg cfg "$HOOK_CONFIG" '
    .hooks.createRuntime = [{path: $bin, args: ["seccomp-hook", "--config", $cfg, "record"]}]
    | .hooks.poststop = [{path: $bin, args: ["seccomp-hook", "--config", $cfg, "poststop"]}]
    | .annotations["seccomp-hook.record"] = "http"'
  hook_run "$runtime" direct "rec-$runtime-5"
  e2e_expect "$runtime: python recording run output" "$HTTP_OUT" "$E2E_OUT"
  [ -s "$RECORD_DIR/http.json" ] || e2e_die "$runtime: $RECORD_DIR/http.json was not written"
  e2e_expect "$runtime: the python recording holds accept4" true \
    "$(jq '[.syscalls[].names[]] | index("accept4") != null' "$RECORD_DIR/http.json")"
  "$HOOK_CONVERT" resolve "$RECORD_DIR/http.json" -o "$flat" || e2e_die "resolve of the recording failed"
  E2E_SPEC_EDIT=".root.readonly = false | $USR_BIND" e2e_oci_bundle "$flat" timeout 20 python3 -c "$HTTP_PY"
  hook_run "$runtime" direct "rec-$runtime-6"
  e2e_expect "$runtime: python under its recorded profile" "$HTTP_OUT" "$E2E_OUT"
  e2e_expect "$runtime: python under its recorded profile: exit status" 0 "$E2E_RC"
  E2E_SPEC_EDIT=".root.readonly = false | $USR_BIND" e2e_oci_bundle "$flat" python3 -c "$MKDIR_PY"
  hook_run "$runtime" direct "rec-$runtime-7"
  e2e_expect "$runtime: python making a directory under the python recording is denied" "error 1" "$E2E_OUT"

  # A container killed while recorded: the recorder still writes its profile and is gone.
  e2e_oci_bundle "$permissive" sh -c 'echo started; exec sleep 60'
  hook_edit_bundle --arg bin "$HOOK_BIN" --arg cfg "$HOOK_CONFIG" '
    .hooks.createRuntime = [{path: $bin, args: ["seccomp-hook", "--config", $cfg, "record"]}]
    | .hooks.poststop = [{path: $bin, args: ["seccomp-hook", "--config", $cfg, "poststop"]}]
    | .annotations["seccomp-hook.record"] = "killed"'
  hook_run "$runtime" direct "rec-$runtime-8" -d
  e2e_expect "$runtime: detached recorded container started" 0 "$E2E_RC"
  for ((i = 0; i < 100; i++)); do grep -q started "$E2E_BUNDLE.out" 2>/dev/null && break; sleep 0.05; done
  "$HOOK_RT_BIN" --root "$HOOK_RT_ROOT" kill "rec-$runtime-8" KILL || e2e_die "$runtime kill failed"
  for ((i = 0; i < 100; i++)); do [ "$(hook_status "$runtime" "rec-$runtime-8")" = stopped ] && break; sleep 0.05; done
  "$HOOK_RT_BIN" --root "$HOOK_RT_ROOT" delete "rec-$runtime-8" || e2e_die "$runtime delete failed"
  check_recorded_file killed "$runtime: killed container" "rec-$runtime-8"
  e2e_expect "$runtime: killed container: the recording holds execve" true \
    "$(jq '[.syscalls[].names[]] | index("execve") != null' "$RECORD_DIR/killed.json")"
  e2e_expect "$runtime: killed container: no recorder is left" "" "$(recorders_left)"

  # A bad name is refused before anything starts.
  e2e_oci_bundle "$permissive" sh -c "$WORKLOAD"
  hook_edit_bundle --arg bin "$HOOK_BIN" --arg cfg "$HOOK_CONFIG" '
    .hooks.createRuntime = [{path: $bin, args: ["seccomp-hook", "--config", $cfg, "record"]}]
    | .annotations["seccomp-hook.record"] = "../escape"'
  hook_run "$runtime" direct "rec-$runtime-4"
  e2e_expect "$runtime: a name with .. is refused: the container does not run" "" "$E2E_OUT"
  e2e_expect "$runtime: a name with .. is refused: the runtime fails" true "$([ "$E2E_RC" != 0 ] && echo true || echo false)"
  e2e_expect "$runtime: nothing written outside recordDir" "" "$(find "$E2E_TMP" -maxdepth 1 -name 'escape*')"
}

# podman with hooks.d entries for record and poststop.
check_podman() {
  local runtime=$1 hooks=$E2E_TMP/rec-hooks.d cid
  e2e_podman_setup "$runtime"
  mkdir -p "$hooks"
  for stage in createRuntime:record poststop:poststop; do
    jq -n --arg bin "$HOOK_BIN" --arg cfg "$HOOK_CONFIG" --arg stage "${stage%%:*}" --arg mode "${stage#*:}" '
      {version: "1.0.0", hook: {path: $bin, args: ["seccomp-hook", "--config", $cfg, $mode]},
       when: {annotations: {"^seccomp-hook\\.record$": ".*"}}, stages: [$stage]}' \
      >"$hooks/${stage#*:}.json" || e2e_die "cannot write the hooks.d entry"
  done
  e2e_capture podman --hooks-dir "$hooks" run --cidfile "$E2E_TMP/p1.cid" \
    --annotation seccomp-hook.record=web "localhost/$E2E_IMAGE:latest" sh -c "$WORKLOAD"
  e2e_expect "podman-$runtime: recording run output" "$WORKLOAD_OUT" "$E2E_OUT"
  e2e_expect "podman-$runtime: recording run exit status" 0 "$E2E_RC"
  cid=$(cat "$E2E_TMP/p1.cid")
  podman rm -f "$cid" >/dev/null 2>&1  # poststop runs when podman cleans the container up
  check_recorded web "podman-$runtime" "$cid"

  e2e_podman_run "$RECORD_DIR/web.json" sh -c "$WORKLOAD"
  e2e_expect "podman-$runtime: the workload under its recorded profile" "$WORKLOAD_OUT" "$E2E_OUT"
  e2e_expect "podman-$runtime: the workload under its recorded profile: exit status" 0 "$E2E_RC"
  e2e_podman_run "$RECORD_DIR/web.json" sh -c "$OTHER"
  e2e_expect "podman-$runtime: another workload is denied with EPERM" "$OTHER_OUT" "$E2E_OUT"

  # python3's HTTP server and client (podman's "none" network has a loopback).
  e2e_capture podman --hooks-dir "$hooks" run --cidfile "$E2E_TMP/p2.cid" -v /usr:/usr:ro \
    --annotation seccomp-hook.record=http "localhost/$E2E_IMAGE:latest" timeout 20 python3 -c "$HTTP_PY"
  e2e_expect "podman-$runtime: python recording run output" "$HTTP_OUT" "$E2E_OUT"
  cid=$(cat "$E2E_TMP/p2.cid")
  podman rm -f "$cid" >/dev/null 2>&1
  check_recorded_file http "podman-$runtime python" "$cid"
  e2e_capture podman run --rm -v /usr:/usr:ro --security-opt "seccomp=$RECORD_DIR/http.json" \
    "localhost/$E2E_IMAGE:latest" timeout 20 python3 -c "$HTTP_PY"
  e2e_expect "podman-$runtime: python under its recorded profile" "$HTTP_OUT" "$E2E_OUT"
  e2e_expect "podman-$runtime: python under its recorded profile: exit status" 0 "$E2E_RC"
  e2e_capture podman run --rm -v /usr:/usr:ro --security-opt "seccomp=$RECORD_DIR/http.json" \
    "localhost/$E2E_IMAGE:latest" python3 -c "$MKDIR_PY"
  e2e_expect "podman-$runtime: python making a directory under the python recording is denied" "error 1" "$E2E_OUT"
}

hook_init
export E2E_SPEC_EDIT=".root.readonly = false"  # the workload writes /tmp/f
[ -n "$HOOK_CONVERT" ] || e2e_die "SCC_CONVERT_BIN is not set"
RECORD_DIR=$E2E_TMP/recorded
mkdir -m 755 "$RECORD_DIR"
hook_write_config "$HOOK_CONFIG" ".recordDir = \"$RECORD_DIR\""
# The host's /usr is bound into the busybox rootfs for python3: merged-/usr links.
e2e_build_rootfs
ln -sfn usr/lib "$E2E_ROOTFS/lib"
ln -sfn usr/lib64 "$E2E_ROOTFS/lib64"
case "$MODE" in
  runc | crun) check_oci "$MODE" ;;
  podman-runc) check_podman runc ;;
  podman-crun) check_podman crun ;;
  *) e2e_die "unknown mode $MODE" ;;
esac
e2e_finish
