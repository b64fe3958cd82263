#!/bin/bash
# Proves that each container runtime on this machine enforces a seccomp profile we hand it,
# so later end-to-end tests can trust the harness (lib.sh). One runtime per invocation, so
# that CTest attributes a failure to one runtime:
#
#   runtimes_smoke.sh runc|crun|podman|docker   a profile denying mkdir/mkdirat with EACCES
#   runtimes_smoke.sh runc-enosys               what runc 1.1.5 does with unknown syscalls
#
# Each case first runs the same probes without a filter (mkdirat(AT_FDCWD, NULL, 0) fails
# with EFAULT there), so EACCES can only come from the filter.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

# OCI linux.seccomp and the Docker-format profile: allow all, mkdir and mkdirat -> EACCES.
write_deny_mkdir_profiles() {
  cat >"$E2E_TMP/deny-mkdir.oci.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "architectures": $(e2e_native_arches),
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
EOF
  cat >"$E2E_TMP/deny-mkdir.docker.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "archMap": $(e2e_docker_archmap),
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
EOF
}

# The probes run inside the container: raw mkdirat (and mkdir where it exists) with a NULL
# path, busybox mkdir, then the seccomp mode of the shell.
MKDIRAT=$(e2e_nr mkdirat)
PROBES="probe $MKDIRAT -100 0 0"
[ "$(uname -m)" = x86_64 ] && PROBES="$PROBES; probe $(e2e_nr mkdir) 0 0"
SECCOMP_LINE='grep "^Seccomp:" /proc/self/status'
CONTROL_CMD="$PROBES; $SECCOMP_LINE"
DENIED_CMD="$PROBES; mkdir /tmp/e2e 2>&1; echo \"mkdir exit \$?\"; $SECCOMP_LINE"

# Expected output: each raw probe gives ERRNO, busybox mkdir (only when denied), the mode.
expected() {
  local errno=$1 mode=$2 n=1
  [ "$(uname -m)" = x86_64 ] && n=2
  for ((; n > 0; n--)); do echo "errno $errno"; done
  if [ "$errno" = EACCES ]; then
    echo "mkdir: can't create directory '/tmp/e2e': Permission denied"
    echo "mkdir exit 1"
  fi
  printf 'Seccomp:\t%s\n' "$mode"
}

# RUN is e2e_oci_run RUNTIME, e2e_podman_run or e2e_docker_run; CONTROL is what that
# function takes for "no filter", PROFILE the deny-mkdir profile in its format.
check_deny_mkdir() {
  local name=$1 control=$2 profile=$3
  shift 3
  "$@" "$control" sh -c "$CONTROL_CMD"
  e2e_expect "$name without a filter: mkdirat(NULL) gives EFAULT, seccomp mode 0" \
    "$(expected EFAULT 0)" "$E2E_OUT"
  e2e_expect "$name without a filter: exit status" 0 "$E2E_RC"
  "$@" "$profile" sh -c "$DENIED_CMD"
  e2e_expect "$name with the profile: mkdir and mkdirat give EACCES, seccomp mode 2" \
    "$(expected EACCES 2)" "$E2E_OUT"
  e2e_expect "$name with the profile: exit status" 0 "$E2E_RC"
}

# A deny-by-default (EPERM) OCI profile that allows what runc's init (Go) does after it
# loads the filter and what the static probe needs. Its highest named syscall on x86_64
# is faccessat2 (439).
write_allowlist_profile() {
  cat >"$E2E_TMP/allowlist.oci.json" <<EOF
{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": $(e2e_native_arches),
 "syscalls": [{"action": "SCMP_ACT_ALLOW", "names": [
   "arch_prctl", "brk", "capget", "capset", "clone", "close", "close_range", "dup3",
   "epoll_ctl", "epoll_pwait", "execve", "exit", "exit_group", "faccessat", "faccessat2",
   "fcntl", "fstat", "fstatfs", "futex", "getdents64", "getegid", "geteuid", "getgid",
   "getpid", "getrandom", "gettid", "getuid", "ioctl", "lseek", "madvise", "mmap",
   "mprotect", "munmap", "nanosleep", "newfstatat", "openat", "prctl", "pread64",
   "prlimit64", "read", "readlink", "readlinkat", "rseq", "rt_sigaction",
   "rt_sigprocmask", "rt_sigreturn", "sched_yield", "set_robust_list", "set_tid_address",
   "setgid", "setgroups", "setuid", "sigaltstack", "statfs", "tgkill", "uname", "write"]}]}
EOF
  jq 'del(.architectures)' "$E2E_TMP/allowlist.oci.json" >"$E2E_TMP/allowlist-noarch.oci.json"
}

# runtimes.md section 7.10: runc 1.1.5 adds an ENOSYS stub above the highest syscall
# number the profile names, for each arch in `architectures`, when the default action is
# not ALLOW/LOG/TRACE. Without `architectures` there is no stub, and a foreign-arch call
# meets libseccomp's bad-arch action: the process is killed with SIGSYS.
check_runc_enosys() {
  write_allowlist_profile
  local p=$E2E_TMP/allowlist.oci.json q=$E2E_TMP/allowlist-noarch.oci.json
  e2e_oci_run runc "$p" probe 1000
  e2e_expect "runc, architectures listed: syscall 1000 gets runc's ENOSYS stub" "errno ENOSYS" "$E2E_OUT"
  e2e_oci_run runc "$p" probe "$MKDIRAT" -100 0 0
  e2e_expect "runc, architectures listed: unlisted mkdirat below the horizon gets the default EPERM" \
    "errno EPERM" "$E2E_OUT"
  e2e_oci_run runc "$q" probe 1000
  e2e_expect "runc, no architectures: syscall 1000 gets the default EPERM" "errno EPERM" "$E2E_OUT"
  if [ "$(uname -m)" = x86_64 ]; then
    e2e_oci_run runc "$p" probe int80 1000
    e2e_expect "runc, architectures listed: i386 syscall 1000 gets the ENOSYS stub" "errno ENOSYS" "$E2E_OUT"
    e2e_oci_run runc "$q" probe int80 1000
    e2e_expect "runc, no architectures: an i386 call is killed (bad arch): output" "" "$E2E_OUT"
    e2e_expect "runc, no architectures: an i386 call is killed (bad arch): 128+SIGSYS" 159 "$E2E_RC"
  fi
}

# crun 1.8.1 compiles the same allow-list profile without runc's stub.
check_crun_no_stub() {
  write_allowlist_profile
  e2e_oci_run crun "$E2E_TMP/allowlist.oci.json" probe 1000
  e2e_expect "crun, architectures listed: syscall 1000 gets the default EPERM (no stub)" \
    "errno EPERM" "$E2E_OUT"
}

main() {
  local runtime=${1:?usage: runtimes_smoke.sh runc|crun|podman|docker|runc-enosys}
  e2e_init
  write_deny_mkdir_profiles
  case "$runtime" in
    runc)
      check_deny_mkdir runc "" "$E2E_TMP/deny-mkdir.oci.json" e2e_oci_run runc ;;
    crun)
      check_deny_mkdir crun "" "$E2E_TMP/deny-mkdir.oci.json" e2e_oci_run crun
      check_crun_no_stub ;;
    podman)
      e2e_podman_setup runc
      check_deny_mkdir podman unconfined "$E2E_TMP/deny-mkdir.docker.json" e2e_podman_run ;;
    docker)
      e2e_dockerd_start
      check_deny_mkdir docker unconfined "$E2E_TMP/deny-mkdir.docker.json" e2e_docker_run ;;
    runc-enosys)
      check_runc_enosys ;;
    *) e2e_die "unknown runtime $runtime" ;;
  esac
  e2e_finish
}

main "$@"
