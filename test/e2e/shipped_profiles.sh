#!/bin/bash
# The shipped profiles (profiles/*.json) under a real runtime: each is resolved for the
# container by `seccomp-convert resolve --config` (arch, the bundle's bounding set, this
# kernel), put into the bundle's linux.seccomp, and run. Its workload must run, and what it
# should deny must fail with the exact errno (or the exact signal) the profile names.
#
#   shipped_profiles.sh PROFILE RUNTIME     PROFILE: runtime-default | strict | audit |
#                                             busybox-httpd | python3-http-server
#                                           RUNTIME: runc | crun
#
# Every container runs twice, with noNewPrivileges false (docker's default: runc and crun
# load the filter before they drop capabilities and change ids, so the profile must allow
# what they do afterwards) and true (they load it just before execve).
# The workloads: busybox sh and httpd fetched by busybox wget, and python3's http.server
# (the host's /usr mounted read-only) fetched the same way, over the host's loopback.
# Syscall numbers are x86_64's: unshare 272, clone3 435, mount 165, keyctl 250, ptrace 101,
# personality 135, socket 41; i386 (int 0x80) getpid 20.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

PROFILE=${1:?usage: shipped_profiles.sh PROFILE RUNTIME}
RUNTIME=${2:?usage: shipped_profiles.sh PROFILE RUNTIME}
PROFILE_FILE=$E2E_DIR/../../profiles/$PROFILE.json
CLONE_NEWUSER=0x10000000
PORT=0

# PROFILE resolved by `seccomp-convert resolve --config` for the config.json `runc spec`
# writes (the bounding set of every bundle here), in $E2E_TMP/seccomp.json.
resolve_profile() {
  mkdir -p "$E2E_TMP/spec"
  runc spec --bundle "$E2E_TMP/spec" || e2e_die "runc spec failed"
  "$SCC_CONVERT_BIN" resolve "$PROFILE_FILE" --config "$E2E_TMP/spec/config.json" \
    -o "$E2E_TMP/seccomp.json" 2>"$E2E_TMP/last.err" ||
    e2e_die "seccomp-convert resolve $PROFILE failed: $(cat "$E2E_TMP/last.err")"
}

# Run ARGS under the resolved PROFILE with noNewPrivileges NNP (true|false), in the host's
# network namespace (the servers listen on its loopback), a tmpfs at /tmp, and the host's
# /usr read-only when WITH_USR=1. E2E_OUT and E2E_RC as e2e_capture sets them.
profile_run() {
  local nnp=$1
  shift
  E2E_SPEC_EDIT=".process.noNewPrivileges = $nnp
      | .linux.namespaces |= map(select(.type != \"network\"))
      | .mounts += [{destination: \"/tmp\", type: \"tmpfs\", source: \"tmpfs\", options: [\"nosuid\", \"nodev\"]}]"
  if [ "${WITH_USR:-0}" = 1 ]; then
    E2E_SPEC_EDIT+=" | .mounts += [{destination: \"/usr\", type: \"bind\", source: \"/usr\",
      options: [\"rbind\", \"ro\", \"nosuid\", \"nodev\"]}]"
  fi
  e2e_oci_run "$RUNTIME" "$E2E_TMP/seccomp.json" "$@"
  E2E_SPEC_EDIT=""
}

# A free TCP port on the host's loopback, in PORT.
pick_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 20); do
    if ! grep -q ":$(printf '%04X' "$p") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
      PORT=$p
      return 0
    fi
  done
  e2e_die "no free port found"
}

# The workload scripts and servers the recorded profiles were recorded from
# (workload_script, httpd_server, python_server); sourcing only defines them.
# shellcheck source=../../profiles/record.sh
. "$E2E_DIR/../../profiles/record.sh"

# The workload script for SERVER on $PORT, serving /tmp/www (a tmpfs in the container).
fetch_script() { workload_script "$1" "$PORT" /tmp/www "served under $PROFILE"; }

# The workloads each profile must run: the written profiles all three, a recorded
# profile the one it was recorded from (profiles/record.sh).
workloads() {
  case "$PROFILE" in
    busybox-httpd) echo httpd ;;
    python3-http-server) echo python ;;
    *) echo sh httpd python ;;
  esac
}

check_workloads() {
  local nnp w
  for nnp in false true; do
    for w in $(workloads); do
      case "$w" in
        sh)
          profile_run "$nnp" /bin/sh -c 'echo shell works; ls / >/dev/null && cat /proc/self/status >/dev/null && echo done'
          e2e_expect "$PROFILE/$RUNTIME nnp=$nnp: busybox sh runs" "shell works
done" "$E2E_OUT"
          e2e_expect "$PROFILE/$RUNTIME nnp=$nnp: busybox sh exit status" 0 "$E2E_RC"
          ;;
        httpd)
          pick_port
          profile_run "$nnp" /bin/sh -c "$(fetch_script "$(httpd_server "$PORT" /tmp/www)")"
          e2e_expect "$PROFILE/$RUNTIME nnp=$nnp: busybox httpd serves a page" "served under $PROFILE" "$E2E_OUT"
          e2e_expect "$PROFILE/$RUNTIME nnp=$nnp: busybox httpd exit status" 0 "$E2E_RC"
          ;;
        python)
          pick_port
          WITH_USR=1 profile_run "$nnp" /bin/sh -c \
            "$(fetch_script "$(python_server "$PORT" /tmp/www)")"
          e2e_expect "$PROFILE/$RUNTIME nnp=$nnp: python3 http.server serves a page" "served under $PROFILE" "$E2E_OUT"
          e2e_expect "$PROFILE/$RUNTIME nnp=$nnp: python3 http.server exit status" 0 "$E2E_RC"
          ;;
      esac
    done
  done
}

# Run probe calls "NR ARG...;NR ARG..." in one container; their result lines in E2E_OUT.
probes() {
  local calls=$1 script="" call
  local IFS=';'
  for call in $calls; do script+="probe $call; "; done
  unset IFS
  profile_run false sh -c "$script"
}

check_denials() {
  case "$PROFILE" in
    runtime-default)
      probes "272 $CLONE_NEWUSER;435 0 0;165 0 0 0 0 0;250 0;41 38 5 0;39"
      e2e_expect "runtime-default/$RUNTIME: unshare(CLONE_NEWUSER) EPERM, clone3 ENOSYS, mount EPERM, keyctl EPERM, socket(AF_ALG) EPERM, getpid allowed" \
        "errno EPERM
errno ENOSYS
errno EPERM
errno EPERM
errno EPERM
ok 1" "$E2E_OUT"
      ;;
    strict)
      probes "101 0 0 0 0;135 0;41 17 3 0;41 40 1 0;272 $CLONE_NEWUSER;435 0 0;39"
      e2e_expect "strict/$RUNTIME: ptrace, personality, socket(AF_PACKET), socket(AF_VSOCK), unshare EPERM; clone3 ENOSYS; getpid allowed" \
        "errno EPERM
errno EPERM
errno EPERM
errno EPERM
errno EPERM
errno ENOSYS
ok 1" "$E2E_OUT"
      # No 32-bit sub-architecture: an i386 call meets the bad-arch action and the
      # kernel kills the process with SIGSYS (128 + 31).
      profile_run false probe int80 20
      e2e_expect "strict/$RUNTIME: an i386 (int 0x80) call is killed with SIGSYS" 159 "$E2E_RC"
      ;;
    audit)
      # The deny list fails with EPERM (clone3: ENOSYS); what runtime-default denies but the
      # deny list does not (personality(READ_IMPLIES_EXEC), socket(AF_ALG)) is only logged.
      probes "165 0 0 0 0 0;272 $CLONE_NEWUSER;250 0;101 0 0 0 0;435 0 0;135 0x0400000"
      e2e_expect "audit/$RUNTIME: mount, unshare(CLONE_NEWUSER), keyctl, ptrace EPERM; clone3 ENOSYS; personality logged and allowed" \
        "errno EPERM
errno EPERM
errno EPERM
errno EPERM
errno ENOSYS
ok 0" "$E2E_OUT"
      ;;
    busybox-httpd | python3-http-server)
      # Recorded: what the workload never did is denied with the default errno (EPERM).
      profile_run false sh -c 'busybox ln -s /x /tmp/link 2>&1; echo "exit $?"'
      e2e_expect "$PROFILE/$RUNTIME: symlink, never recorded, fails with EPERM" "ln: /tmp/link: Operation not permitted
exit 1" "$E2E_OUT"
      ;;
    *) e2e_die "no denials written for profile $PROFILE" ;;
  esac
}

main() {
  e2e_init
  [ "$(uname -m)" = x86_64 ] || e2e_skip "the probe's syscall numbers here are x86_64's"
  [ -x "${SCC_CONVERT_BIN:-}" ] || e2e_die "SCC_CONVERT_BIN is not set to seccomp-convert"
  [ -f "$PROFILE_FILE" ] || e2e_die "no shipped profile $PROFILE_FILE"
  [ -x /usr/bin/python3 ] || e2e_die "/usr/bin/python3 is missing (scripts/install-deps.sh installs python3)"
  e2e_build_rootfs
  # The host's /usr is mounted for python3; the loader and libraries are found through
  # the merged-/usr links.
  if ! ln -sfn usr/lib "$E2E_ROOTFS/lib" || ! ln -sfn usr/lib64 "$E2E_ROOTFS/lib64"; then
    e2e_die "could not link lib and lib64 in the rootfs"
  fi
  resolve_profile
  check_workloads
  check_denials
  e2e_finish
}

main "$@"
