#!/bin/bash
# Live tests of compiled filters (issue 3, "Live"): the static probe makes raw syscalls
# under `seccomp-convert run`, on the real kernel. x86_64 numbers: getpid 39, mount 165,
# socket 41; i386 (int 0x80): getpid 20, mount 21.
set -uo pipefail
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$E2E_DIR/lib.sh"
e2e_init
[ "$(uname -m)" = x86_64 ] || e2e_skip "the probe's syscall numbers here are x86_64's"
[ -x "${SCC_CONVERT_BIN:-}" ] || e2e_die "SCC_CONVERT_BIN is not set to seccomp-convert"
e2e_build_probe
DEFAULT=$E2E_DIR/../../profiles/runtime-default.json

# run_probe PROFILE PROBE-ARG...: stdout of the probe, then "exit N".
run_probe() {
  local profile=$1 out rc
  shift
  out=$("$SCC_CONVERT_BIN" run --profile "$profile" -- "$E2E_PROBE" "$@" 2>"$E2E_TMP/last.err")
  rc=$?
  printf '%s\nexit %d' "$out" "$rc"
}

# runtime-default, resolved for this machine (x86_64 + x86, Docker's default caps).
e2e_expect "allowed getpid works" "exit 0" "$(run_probe "$DEFAULT" 39 | sed -n 2p)"
e2e_expect "denied mount gets the profile's errno" "errno EPERM
exit 0" "$(run_probe "$DEFAULT" 165 0 0 0 0 0)"
e2e_expect "syscall 1000 is beyond the tables: ENOSYS" "errno ENOSYS
exit 0" "$(run_probe "$DEFAULT" 1000)"
e2e_expect "clone3 returns ENOSYS without CAP_SYS_ADMIN" "errno ENOSYS
exit 0" "$(run_probe "$DEFAULT" 435 0 0)"
e2e_expect "glibc starts threads (falls back from clone3 to clone)" "ok
exit 0" "$(run_probe "$DEFAULT" threads)"
e2e_expect "socket(AF_INET, SOCK_STREAM) is allowed" "exit 0" "$(run_probe "$DEFAULT" 41 2 1 0 | sed -n 2p)"
e2e_expect "socket(AF_ALG) is denied" "errno EPERM
exit 0" "$(run_probe "$DEFAULT" 41 38 5 0)"
e2e_expect "socket(AF_ALG with high bits set) cannot pass the 32-bit argument rule" "errno EPERM
exit 0" "$(run_probe "$DEFAULT" 41 0x100000026 5 0)"
case "$(run_probe "$DEFAULT" 41 0x100000002 1 0)" in
  "ok "*) e2e_expect "socket(AF_INET with high bits set) is allowed, as the kernel reads AF_INET" ok ok ;;
  *) e2e_expect "socket(AF_INET with high bits set) is allowed, as the kernel reads AF_INET" ok "$(run_probe "$DEFAULT" 41 0x100000002 1 0)" ;;
esac
e2e_expect "i386 int 0x80 getpid is allowed (x86 is a sub-architecture)" "exit 0" \
  "$(run_probe "$DEFAULT" int80 20 | sed -n 2p)"
e2e_expect "i386 int 0x80 mount is denied with the profile's errno" "errno EPERM
exit 0" "$(run_probe "$DEFAULT" int80 21 0 0 0 0 0)"
e2e_expect "i386 int 0x80 syscall 1000 is beyond the i386 table: ENOSYS" "errno ENOSYS
exit 0" "$(run_probe "$DEFAULT" int80 1000)"

# A profile for x86_64 alone: i386 calls meet the bad-arch action (KILL_PROCESS).
cat >"$E2E_TMP/x86_64-only.json" <<'JSON'
{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
 "syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}
JSON
e2e_expect "x86_64-only profile: mount gets errno 13" "errno EACCES
exit 0" "$(run_probe "$E2E_TMP/x86_64-only.json" 165 0 0 0 0 0)"
e2e_expect "x86_64-only profile: an int 0x80 call is killed with SIGSYS" "
exit 159" "$(run_probe "$E2E_TMP/x86_64-only.json" int80 20)"
e2e_expect "run reports the signal" "seccomp-convert: $E2E_PROBE killed by signal SIGSYS (31)" \
  "$(grep -o 'seccomp-convert: .*killed by signal.*' "$E2E_TMP/last.err")"

# A KILL_PROCESS rule kills with SIGSYS.
cat >"$E2E_TMP/kill-getpid.json" <<'JSON'
{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_KILL_PROCESS"}]}
JSON
e2e_expect "KILL_PROCESS on getpid kills the probe with SIGSYS" "
exit 159" "$(run_probe "$E2E_TMP/kill-getpid.json" 39)"
e2e_expect "other calls under that profile work" "exit 0" "$(run_probe "$E2E_TMP/kill-getpid.json" 102 | sed -n 2p)"
e2e_finish
