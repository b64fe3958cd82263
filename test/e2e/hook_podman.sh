#!/bin/bash
# seccomp-hook with real podman and `--hooks-dir`, the hooks.d entries of deploy/hooks.d
# (precreate, createRuntime, poststart) with the build's paths:
#
#   hook_podman.sh runc     podman's runc: precreate selects the profile from --annotation,
#                           createRuntime and poststart check it; no annotation: default;
#                           an invalid profile makes `podman run` fail with 126
#   hook_podman.sh crun     podman --runtime crun (lib.sh's wrapper) with precreate's
#                           --runtime-name crun: crun runs the program we hand it
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR disable=SC2016  # jq filters
. "$(dirname "$0")/hook_lib.sh"

PROBES="probe 110; probe 258 -100 0 0; probe 83 0 0; grep '^Seccomp:' /proc/self/status"
probes_under() { printf 'ok 1\nerrno %s\nerrno %s\nSeccomp:\t2' "$1" "$1"; }
IMAGE=""
HOOKS_DIR=""

# hooks.d in DIR from deploy/hooks.d, each entry's args extended by the jq FILTER.
write_hooks_dir() {
  local dir=$1 filter=$2 f
  mkdir -p "$dir"
  for f in "$HOOK_DEPLOY"/hooks.d/*.json; do
    hook_deploy "hooks.d/$(basename "$f")" | jq "$filter" >"$dir/$(basename "$f")" ||
      e2e_die "cannot write $dir/$(basename "$f")"
  done
  [ "$(find "$dir" -name '*.json' | wc -l)" = 3 ] || e2e_die "deploy/hooks.d should hold 3 entries"
}

# podman run --rm with the hooks dir, the hostname HOST, the cid in $E2E_TMP/HOST.cid.
podman_run() {
  local host=$1
  shift
  e2e_capture podman --hooks-dir "$HOOKS_DIR" run --rm --hostname "$host" --cidfile "$E2E_TMP/$host.cid" "$@"
}

check_runc() {
  local cid
  podman_run e2e-annotated --annotation seccomp-hook.profile=deny13 "$IMAGE" sh -c "$PROBES; exec sleep 1"
  e2e_expect "podman: --annotation deny13: probes get EACCES" "$(probes_under EACCES)" "$E2E_OUT"
  e2e_expect "podman: --annotation deny13: exit status" 0 "$E2E_RC"
  cid=$(hook_cid_of e2e-annotated)
  e2e_expect "podman: --annotation deny13: precreate applied it" \
    "seccomp-hook: precreate: container ? (hostname e2e-annotated): profile \"deny13\" (annotation): applied: linux.seccomp from $HOOK_PROFILES/deny13.json (sha256 H, 2 rules)" \
    "$(hook_log_of precreate '? (hostname e2e-annotated)')"
  e2e_expect "podman: --annotation deny13: createRuntime allowed it" \
    "seccomp-hook: createRuntime: container $cid: profile \"deny13\" (annotation): allowed: linux.seccomp satisfies the policy (cache miss, key H, program sha256 H)" \
    "$(hook_log_of createRuntime "$cid")"
  e2e_expect "podman: --annotation deny13: poststart attested it" \
    "seccomp-hook: poststart: container $cid: profile \"deny13\" (annotation): attested: 1 live filter(s) equivalent (proven) to the expected program (compiled in memory, program sha256 H)" \
    "$(hook_log_of poststart "$cid")"

  podman_run e2e-default "$IMAGE" sh -c "$PROBES"
  e2e_expect "podman: no annotation: the default profile's EPERM" "$(probes_under EPERM)" "$E2E_OUT"
  e2e_expect "podman: no annotation: exit status" 0 "$E2E_RC"

  podman_run e2e-broken --annotation seccomp-hook.profile=broken "$IMAGE" sh -c "$PROBES"
  e2e_expect "podman: invalid profile: podman run fails with 126" 126 "$E2E_RC"
  e2e_expect "podman: invalid profile: no output" "" "$E2E_OUT"
  # podman 4.3 does not show a precreate hook's stderr: the reason is in the hook's log.
  e2e_expect "podman: invalid profile: podman's error" \
    "Error: setting up OCI Hooks: executing [seccomp-hook --config $HOOK_CONFIG precreate]: exit status 1" \
    "$(tail -1 "$E2E_TMP/last.err")"
  e2e_expect "podman: invalid profile: the hook's reason in its log" \
    "seccomp-hook: precreate: container ? (hostname e2e-broken): profile \"broken\" (annotation): refused: unknown syscall \"mkdri\" [unknown-syscall at /syscalls/0/names/0, line 2 column 26]; did you mean \"mkdir\"?" \
    "$(hook_log_of precreate '? (hostname e2e-broken)')"
  e2e_expect "podman: invalid profile: no container left" "" "$(podman ps -a -q)"
}

check_crun() {
  local cid
  podman_run e2e-crun --runtime "$E2E_CRUN" --annotation seccomp-hook.profile=deny13 "$IMAGE" sh -c "$PROBES; exec sleep 1"
  e2e_expect "podman+crun: --annotation deny13: probes get EACCES" "$(probes_under EACCES)" "$E2E_OUT"
  e2e_expect "podman+crun: exit status" 0 "$E2E_RC"
  cid=$(hook_cid_of e2e-crun)
  e2e_expect "podman+crun: precreate handed the program to crun" \
    "seccomp-hook: precreate: container ? (hostname e2e-crun): profile \"deny13\" (annotation): applied: linux.seccomp from $HOOK_PROFILES/deny13.json (sha256 H, 2 rules); BPF handed to crun (cache miss, key H, program sha256 H)" \
    "$(hook_log_of precreate '? (hostname e2e-crun)')"
  e2e_expect "podman+crun: poststart found crun running exactly that program" \
    "seccomp-hook: poststart: container $cid: profile \"deny13\" (annotation): attested: 1 live filter(s) byte-identical to the expected program (compiled in memory, program sha256 H)" \
    "$(hook_log_of poststart "$cid")"
}

main() {
  local runtime=${1:?usage: hook_podman.sh runc|crun}
  hook_init
  e2e_podman_setup runc
  IMAGE=localhost/$E2E_IMAGE:latest
  HOOKS_DIR=$E2E_TMP/hooks.d
  case "$runtime" in
    runc)
      write_hooks_dir "$HOOKS_DIR" '.'
      check_runc ;;
    crun)
      e2e_install_crun_wrapper
      HOOKS_DIR=$E2E_TMP/hooks-crun.d
      write_hooks_dir "$HOOKS_DIR" 'if .stages == ["precreate"] then .hook.args += ["--runtime-name", "crun"] else . end'
      check_crun ;;
    *) e2e_die "unknown runtime $runtime" ;;
  esac
  e2e_finish
}

main "$@"
