#!/bin/bash
# seccomp-hook as docker's OCI runtime, from deploy/docker with the build's paths:
# a private dockerd started with daemon-ecs.json (the wrapper registered as runtime
# "seccomp-hook" through runtimeArgs, and made the default runtime, as on ECS on EC2) and
# with `--add-runtime hooked=<seccomp-hook-runc>` (the two-line shell wrapper).
#
# Docker 20.10 cannot pass annotations to the runtime; a container selects its profile
# with the environment variable SECCOMP_HOOK_PROFILE (docs/hook.md, "The docker channel").
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/hook_lib.sh"

PROBES="probe 110; probe 258 -100 0 0; probe 83 0 0"
probes_under() { printf 'ok 1\nerrno %s\nerrno %s' "$1" "$1"; }

# The deploy files themselves: daemon.json is daemon-ecs.json without the default, and
# the wrapper is two lines that exec the hook.
check_deploy_files() {
  e2e_expect "deploy: daemon-ecs.json is daemon.json plus default-runtime" \
    "$(jq -S . "$HOOK_DEPLOY/docker/daemon.json")" \
    "$(jq -S 'del(.["default-runtime"])' "$HOOK_DEPLOY/docker/daemon-ecs.json")"
  e2e_expect "deploy: daemon-ecs.json's default runtime is the one it registers" seccomp-hook \
    "$(jq -r '.["default-runtime"] as $d | .runtimes | keys[] | select(. == $d)' "$HOOK_DEPLOY/docker/daemon-ecs.json")"
  e2e_expect "deploy: seccomp-hook-runc is a two-line sh wrapper" \
    '#!/bin/sh
exec /usr/bin/seccomp-hook --config /etc/seccomp-hook/config.json runtime --runtime /usr/sbin/runc -- "$@"' \
    "$(cat "$HOOK_DEPLOY/docker/seccomp-hook-runc")"
}

# docker run --rm, NAME's container id in $E2E_TMP/NAME.cid.
docker_run() {
  local name=$1
  shift
  e2e_capture docker run --rm --network none --cidfile "$E2E_TMP/$name.cid" "$@"
}

applied() {
  echo "seccomp-hook: runtime: container $1: profile \"$2\" ($3): applied: linux.seccomp from $HOOK_PROFILES/$2.json (sha256 H, 2 rules)"
}

check_docker() {
  local img=$E2E_IMAGE:latest cid
  docker_run hooked-env --runtime hooked -e SECCOMP_HOOK_PROFILE=deny13 "$img" sh -c "$PROBES"
  e2e_expect "docker --runtime hooked -e SECCOMP_HOOK_PROFILE=deny13: EACCES" "$(probes_under EACCES)" "$E2E_OUT"
  e2e_expect "docker --runtime hooked -e SECCOMP_HOOK_PROFILE=deny13: exit status" 0 "$E2E_RC"
  cid=$(hook_cid_of hooked-env)
  e2e_expect "docker --runtime hooked -e SECCOMP_HOOK_PROFILE=deny13: the wrapper's log" \
    "$(applied "$cid" deny13 environment)" "$(hook_log_masked runtime "$cid")"

  docker_run hooked-default --runtime hooked "$img" sh -c "$PROBES"
  e2e_expect "docker --runtime hooked, no variable: the default profile's EPERM" "$(probes_under EPERM)" "$E2E_OUT"
  cid=$(hook_cid_of hooked-default)
  e2e_expect "docker --runtime hooked, no variable: the wrapper's log" \
    "$(applied "$cid" default default)" "$(hook_log_masked runtime "$cid")"

  docker_run ecs-env -e SECCOMP_HOOK_PROFILE=deny13 "$img" sh -c "$PROBES"
  e2e_expect "docker default runtime (daemon-ecs.json), SECCOMP_HOOK_PROFILE=deny13: EACCES" \
    "$(probes_under EACCES)" "$E2E_OUT"
  cid=$(hook_cid_of ecs-env)
  # The same selection, profile, bounding set and hook config as the first deny13
  # container (docker's config.json differs in everything else): the decision is replayed.
  e2e_expect "docker default runtime (daemon-ecs.json): the wrapper's log, a replayed decision" \
    "$(applied "$cid" deny13 environment); decision cached" "$(hook_log_masked runtime "$cid")"

  docker_run ecs-default "$img" sh -c "$PROBES"
  e2e_expect "docker default runtime (daemon-ecs.json), no variable: the default's EPERM" \
    "$(probes_under EPERM)" "$E2E_OUT"

  # The variable also comes from the image: an image built with ENV SECCOMP_HOOK_PROFILE
  # selects its own profile (within the policy: it may only tighten the default), and
  # -e on the command line overrides it.
  e2e_capture docker import --change 'ENV SECCOMP_HOOK_PROFILE=deny13' "$E2E_ROOTFS_TAR" scc-e2e-env:latest
  docker_run image-env --runtime hooked scc-e2e-env:latest sh -c "$PROBES"
  e2e_expect "docker, image with ENV SECCOMP_HOOK_PROFILE=deny13: the image chose deny13" \
    "$(probes_under EACCES)" "$E2E_OUT"
  docker_run image-env-override --runtime hooked -e SECCOMP_HOOK_PROFILE=default scc-e2e-env:latest sh -c "$PROBES"
  e2e_expect "docker, image ENV overridden by -e SECCOMP_HOOK_PROFILE=default" "$(probes_under EPERM)" "$E2E_OUT"

  # Control: plain runc with docker's own default profile, which allows mkdirat (EFAULT
  # from the kernel for the NULL path): the errnos above come from the hook's profiles.
  docker_run plain --runtime runc -e SECCOMP_HOOK_PROFILE=deny13 "$img" sh -c "$PROBES"
  e2e_expect "docker --runtime runc (no hook): docker's own profile, mkdirat reaches the kernel" \
    "$(probes_under EFAULT)" "$E2E_OUT"

  docker_run broken --runtime hooked -e SECCOMP_HOOK_PROFILE=broken "$img" sh -c "$PROBES"
  cid=$(hook_cid_of broken)
  e2e_expect "docker, invalid profile: docker run fails" 125 "$E2E_RC"
  e2e_expect "docker, invalid profile: docker's error carries the hook's line" \
    "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: seccomp-hook: runtime: container $cid: profile \"broken\" (environment): refused: unknown syscall \"mkdri\" [unknown-syscall at /syscalls/0/names/0, line 2 column 26]; did you mean \"mkdir\"?: unknown" \
    "$(head -1 "$E2E_TMP/last.err")"
  e2e_expect "docker, invalid profile: no container left" "" "$(docker ps -a -q)"
}

main() {
  local conf wrapper
  hook_init
  conf=$E2E_TMP/daemon.json
  wrapper=$E2E_TMP/seccomp-hook-runc
  check_deploy_files
  hook_deploy docker/daemon-ecs.json >"$conf" || exit 1
  hook_deploy docker/seccomp-hook-runc >"$wrapper" || exit 1
  chmod 755 "$wrapper"
  e2e_dockerd_start --config-file "$conf" --add-runtime "hooked=$wrapper"
  check_docker
  e2e_finish
}

main "$@"
