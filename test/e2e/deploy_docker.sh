#!/bin/bash
# deploy/README.md "Docker and ECS on EC2", end to end with a private dockerd (its data
# root, exec root, pidfile and socket in the temp dir; lib.sh e2e_dockerd_start):
#
# - daemon.json's "seccomp-profile" (deploy/docker/daemon-seccomp.json) names the shipped
#   runtime-default flattened by `seccomp-convert resolve` for this machine: every
#   container gets it, and a call it denies fails with its errno where docker's built-in
#   profile would let it through;
# - the same daemon.json also registers the seccomp-hook runtime wrapper
#   (deploy/docker/daemon.json) whose config selects among the shipped profiles:
#   `-e SECCOMP_HOOK_PROFILE=strict` gets strict.json (proven at least as strict as the
#   default, allowAnnotationLoosen off), a looser profile is refused; a docker label does not select
#   anything (docker does not copy labels into config.json), which is why an ECS task
#   selects its profile through its container "environment", not "dockerLabels".
# x86_64 numbers: socket 41, unshare 272, clone3 435, personality 135.
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/hook_lib.sh"

PROFILES_SRC=$E2E_DIR/../../profiles
# socket(46, SOCK_STREAM): no such family; runtime-default denies families above 45 (EPERM),
# docker's built-in profile allows them (GT 40) and the kernel answers EAFNOSUPPORT.
# socket(AF_PACKET, SOCK_RAW): runtime-default allows it (docker's caps hold CAP_NET_RAW),
# strict allows only AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK.
PROBES="probe 41 46 1 0; probe 272 0x10000000; probe 435 0 0; probe 41 17 3 0 | sed 's/^ok [0-9]*/ok fd/'; probe 135 0"

docker_run() {
  e2e_capture docker run --rm --network none "$@" "$E2E_IMAGE:latest" sh -c "$PROBES"
}

main() {
  local flat conf
  hook_init
  [ -x "${SCC_CONVERT_BIN:-}" ] || e2e_die "SCC_CONVERT_BIN is not set to seccomp-convert"

  # The flattened runtime-default, as the guide's install step writes it.
  flat=$E2E_TMP/docker-seccomp/runtime-default.json
  mkdir -p "$(dirname "$flat")"
  "$SCC_CONVERT_BIN" resolve --width-exact "$PROFILES_SRC/runtime-default.json" -o "$flat" 2>"$E2E_TMP/last.err" ||
    e2e_die "seccomp-convert resolve failed: $(cat "$E2E_TMP/last.err")"
  e2e_expect "the flattened profile has no archMap and no includes/excludes" "null []" \
    "$(jq -c '.archMap, [.syscalls[] | select(.includes or .excludes)]' "$flat" | paste -sd' ')"

  # The shipped profiles in the hook's profile directory; runtime-default is its default.
  mkdir -p "$E2E_TMP/shipped"
  install -m 0644 "$PROFILES_SRC/runtime-default.json" "$PROFILES_SRC/strict.json" "$E2E_TMP/shipped/"
  # wide: runtime-default plus socket family 40, which runtime-default denies: looser on
  # that one value, so a request for it is refused with it as the witness.
  jq '.syscalls += [{"names": ["socket"], "action": "SCMP_ACT_ALLOW",
    "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_EQ"}]}]' "$PROFILES_SRC/runtime-default.json" \
    >"$E2E_TMP/shipped/wide.json" || e2e_die "jq could not write wide.json"
  # allowAnnotationLoosen stays off (hook_lib's default): the hook proves strict at least as
  # strict as runtime-default, so the request for strict below needs no loosening.
  # shellcheck disable=SC2016  # $t is jq's variable (hook_write_config binds it)
  hook_write_config "$HOOK_CONFIG" '.profileDirs = [$t + "/shipped"] | .defaultProfile = "runtime-default"'
  e2e_expect "hook config: policy.allowAnnotationLoosen is off" false \
    "$(jq -r '.policy.allowAnnotationLoosen' "$HOOK_CONFIG")"

  # daemon.json: the hook runtime of deploy/docker/daemon.json plus the seccomp-profile of
  # deploy/docker/daemon-seccomp.json, pointed at the flattened file.
  conf=$E2E_TMP/daemon.json
  jq -s --arg p "$flat" '.[0] * (.[1] | .["seccomp-profile"] = $p)' \
    <(hook_deploy docker/daemon.json) "$HOOK_DEPLOY/docker/daemon-seccomp.json" >"$conf" ||
    e2e_die "jq could not merge the daemon.json files"
  e2e_expect "deploy: daemon-seccomp.json names /etc/docker/seccomp/runtime-default.json" \
    /etc/docker/seccomp/runtime-default.json "$(jq -r '.["seccomp-profile"]' "$HOOK_DEPLOY/docker/daemon-seccomp.json")"
  e2e_log "daemon.json: $(jq -c . "$conf")"
  e2e_dockerd_start --config-file "$conf"

  e2e_expect "docker info reports the daemon's seccomp profile" "name=seccomp,profile=$flat" \
    "$(docker info --format '{{range .SecurityOptions}}{{println .}}{{end}}' | grep '^name=seccomp')"

  docker_run
  e2e_expect "docker run (runc, daemon seccomp-profile): runtime-default's verdicts" "errno EPERM
errno EPERM
errno ENOSYS
ok fd
ok 0" "$E2E_OUT"
  e2e_expect "docker run (runc, daemon seccomp-profile): exit status" 0 "$E2E_RC"

  # Control: without a filter every call reaches the kernel: socket(46) EAFNOSUPPORT (as
  # under docker's built-in profile, which allows families above 40), unshare(CLONE_NEWUSER)
  # succeeds, clone3 with no arguments is EINVAL.
  docker_run --security-opt "seccomp=unconfined"
  e2e_expect "docker run --security-opt seccomp=unconfined: the kernel's own answers" "errno EAFNOSUPPORT
ok 0
errno EINVAL
ok fd
ok 0" "$E2E_OUT"

  # The flattened file is resolved for docker's default capabilities: --cap-add SYS_ADMIN
  # does not open runtime-default's CAP_SYS_ADMIN group (unshare, clone3). The unflattened
  # profile named per container is resolved by docker for that container's capabilities.
  docker_run --cap-add SYS_ADMIN
  e2e_expect "docker run --cap-add SYS_ADMIN under the daemon-wide flattened profile: still EPERM and ENOSYS" "errno EPERM
errno EPERM
errno ENOSYS
ok fd
ok 0" "$E2E_OUT"
  docker_run --cap-add SYS_ADMIN --security-opt "seccomp=$PROFILES_SRC/runtime-default.json"
  e2e_expect "docker run --cap-add SYS_ADMIN --security-opt seccomp=runtime-default.json: docker resolves the CAP_SYS_ADMIN group" "errno EPERM
ok 0
errno EINVAL
ok fd
ok 0" "$E2E_OUT"

  docker_run --runtime seccomp-hook -e SECCOMP_HOOK_PROFILE=strict
  e2e_expect "docker run --runtime seccomp-hook -e SECCOMP_HOOK_PROFILE=strict: strict's verdicts" "errno EPERM
errno EPERM
errno ENOSYS
errno EPERM
errno EPERM" "$E2E_OUT"
  e2e_expect "the wrapper applied strict" 1 \
    "$(grep -c 'profile "strict" (environment): applied: linux.seccomp from '"$E2E_TMP"'/shipped/strict.json' "$HOOK_LOG")"

  docker_run --runtime seccomp-hook -e SECCOMP_HOOK_PROFILE=wide
  e2e_expect "docker run --runtime seccomp-hook -e SECCOMP_HOOK_PROFILE=wide: refused" 125 "$E2E_RC"
  e2e_expect "the refusal names the looser call" 1 "$(grep -cF 'profile "wide" (environment): refused: profile "wide" is looser than the default profile "runtime-default": on x86_64, socket with arg0 low 32 bits == 40 (high 32 bits any) gets ALLOW where the baseline gives ERRNO(1) EPERM, e.g. socket(40, 0, 0, 0, 0, 0)' "$E2E_TMP/last.err")"

  docker_run --runtime seccomp-hook --label seccomp-hook.profile=strict
  e2e_expect "docker run --runtime seccomp-hook --label seccomp-hook.profile=strict: the label selects nothing, the default applies" "errno EPERM
errno EPERM
errno ENOSYS
ok fd
ok 0" "$E2E_OUT"
  e2e_expect "the wrapper applied the default" 1 \
    "$(grep -c 'profile "runtime-default" (default): applied: linux.seccomp from '"$E2E_TMP"'/shipped/runtime-default.json' "$HOOK_LOG")"
  e2e_finish
}

main "$@"
