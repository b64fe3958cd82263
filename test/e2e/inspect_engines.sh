#!/bin/bash
# seccomp-convert inspect --pid on podman and docker container processes: a detached
# busybox container (loopback only) sleeps under `--security-opt seccomp=PROFILE`;
# inspect --against that profile proves the live filter equivalent, and --against the
# same profile with chmod taken out of its allow list names exactly that difference.
# The engine converts the profile itself and its runc compiles it with libseccomp, so
# this checks the proof against what podman and docker really load.
#
# PROFILE is the corpus's runc-syscall-test2.json (the profile the runc case of
# test/convert/inspect_against_test.cpp uses: one allow list, every name known to
# libseccomp 2.5.4, no argument conditions) with chdir allowed too (runc changes to the
# container's cwd after loading the filter of a podman or docker container, which keep
# no_new_privs off) and defaultErrnoRet 1 instead of 6:
# docker 20.10 drops defaultErrnoRet (runtimes.md section 4), so with 6 the live
# filter really differs from the profile (EPERM, not ENXIO) and inspect says so. The
# Docker default profile cannot be proven equivalent with this libseccomp: it names
# syscalls libseccomp 2.5.4 does not know, which the engines drop.
#
#   inspect_engines.sh podman|docker
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

PROFILE_NAME=runc-syscall-test2.json

# The corpus profile (skip without ../shared) and the changed copy, in the temp dir.
write_profiles() {
  local corpus=$E2E_DIR/../../../shared/corpus/$PROFILE_NAME
  [ -f "$corpus" ] || e2e_skip "../shared/corpus/$PROFILE_NAME is absent (no ../shared next to the repo)"
  jq '.defaultErrnoRet = 1 | .syscalls[0].names += ["chdir"]' "$corpus" >"$E2E_TMP/profile.json" || e2e_die "jq could not read $corpus"
  jq '(.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and (.names | index("chmod"))) | .names) -= ["chmod"]' \
    "$E2E_TMP/profile.json" >"$E2E_TMP/changed.json" || e2e_die "jq could not edit $corpus"
  [ "$(jq '[.syscalls[].names[] | select(. == "chmod")] | length' "$E2E_TMP/changed.json")" = 0 ] ||
    e2e_die "chmod is still named in the changed profile"
}

# The expected first line of `inspect --against`'s verdict for each case.
check_inspect() {
  local engine=$1 pid=$2 convert=${SCC_CONVERT_BIN:?SCC_CONVERT_BIN is not set}
  e2e_capture "$convert" inspect --pid "$pid"
  e2e_expect "$engine: inspect sees one filter on the container's init" \
    "process $pid: 1 filter" "$(head -1 <<<"$E2E_OUT")"

  e2e_capture "$convert" inspect --pid "$pid" --against "$E2E_TMP/profile.json"
  e2e_expect "$engine: inspect --against the given profile: exit 0" 0 "$E2E_RC"
  e2e_expect "$engine: inspect --against the given profile: equivalent (proven)" \
    "equivalent (proven)" "$(grep -o '^equivalent (proven)' <<<"$E2E_OUT")"
  [ "$E2E_RC" = 0 ] || printf '%s\n' "$E2E_OUT" | grep -v '^ *[0-9]' | tail -40

  e2e_capture "$convert" inspect --pid "$pid" --against "$E2E_TMP/changed.json"
  e2e_expect "$engine: inspect --against the profile without chmod: exit 1" 1 "$E2E_RC"
  case "$(uname -m)" in
    x86_64)
      e2e_expect "$engine: inspect --against the profile without chmod: the difference is named" \
        "x86_64 chmod (90):
  any arguments: live ALLOW, profile ERRNO(1) EPERM" \
        "$(grep -A1 '^x86_64 chmod (90):$' <<<"$E2E_OUT")" ;;
    *)
      e2e_expect "$engine: inspect --against the profile without chmod: chmod is named" \
        1 "$(grep -c ' chmod (' <<<"$E2E_OUT")" ;;
  esac
  e2e_expect "$engine: inspect --against the profile without chmod: one difference" \
    "different: 1 difference (proven)" "$(grep -o '^different: 1 difference (proven)' <<<"$E2E_OUT")"
}

# Start the container under ENGINE (podman: its runc; docker: a private dockerd), check
# that it has only loopback, and inspect its init.
run_engine() {
  local engine=$1 image cid pid
  local run=() remove=()
  case "$engine" in
    podman)
      e2e_podman_setup runc
      image=localhost/$E2E_IMAGE:latest run=(podman run -d) remove=(podman rm -f -t 0) ;;
    docker)
      e2e_dockerd_start
      image=$E2E_IMAGE:latest run=(docker run -d --network none) remove=(docker rm -f) ;;
    *) e2e_die "unknown engine $engine" ;;
  esac
  e2e_capture "${run[@]}" --security-opt "seccomp=$E2E_TMP/profile.json" "$image" sleep 300
  [ "$E2E_RC" = 0 ] || e2e_die "$engine run -d failed: $(cat "$E2E_TMP/last.err")"
  cid=$E2E_OUT
  e2e_defer "${remove[*]} $cid"
  pid=$("$engine" inspect -f '{{.State.Pid}}' "$cid") || e2e_die "$engine inspect failed"
  [ "${pid:-0}" -gt 0 ] || e2e_die "$engine gave no pid for $cid"
  e2e_expect "$engine: the container has only loopback" "lo" \
    "$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' "/proc/$pid/net/dev")"
  check_inspect "$engine" "$pid"
}

main() {
  local engine=${1:?usage: inspect_engines.sh podman|docker}
  e2e_init
  write_profiles
  run_engine "$engine"
  e2e_finish
}

main "$@"
