#!/bin/bash
# `seccomp-convert record` on the real kernel (DESIGN.md section 10, "the test of a
# recorder"): record a workload, enforce the result with `seccomp-convert run`, the
# workload passes; remove one recorded syscall it needs, it fails with the profile's
# errno. Workloads: busybox shell, a python3 HTTP server and client on loopback
# (bounded: 3 requests, 20 s). Also: --args emits argument rules (socket AF_INET only,
# then AF_UNIX is denied); the command's exit status is kept; killing the traced
# command or the recorder leaves no process behind.
#
#   record_cli.sh busybox | python | args | kill
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

WHAT=${1:?usage: record_cli.sh busybox|python|args|kill}
CONVERT=""
PY=/usr/bin/python3

# record [OPTION...] -- CMD...: E2E_OUT/E2E_RC as e2e_capture sets them.
record() { e2e_capture "$CONVERT" record "$@"; }
enforce() { e2e_run_confined "$@"; }
without() { e2e_profile_without "$@"; }

check_busybox() {
  local d=$E2E_TMP/work p=$E2E_TMP/bb.json cut=$E2E_TMP/bb-nomkdir.json w want
  mkdir -p "$d"
  w="mkdir $d/x && echo made >$d/x/f && cat $d/x/f && ls $d/x && rm -r $d/x && uname -s; exit 5"
  want=$'made\nf\nLinux'
  record -o "$p" -- busybox sh -c "$w"
  e2e_expect "busybox: recorded run output" "$want" "$E2E_OUT"
  e2e_expect "busybox: record keeps the command's exit status" 5 "$E2E_RC"
  e2e_expect "busybox: mkdir is recorded" true "$(jq '[.syscalls[].names[]] | index("mkdir") != null' "$p")"
  enforce "$p" busybox sh -c "$w"
  e2e_expect "busybox: the workload under its recording" "$want" "$E2E_OUT"
  e2e_expect "busybox: the workload under its recording: exit status" 5 "$E2E_RC"
  without "$p" mkdir "$cut"
  enforce "$cut" busybox sh -c "$w"
  e2e_expect "busybox: without mkdir it fails with the profile's EPERM" \
    "mkdir: can't create directory '$d/x': Operation not permitted" "$(cat "$E2E_TMP/last.err")"
  e2e_expect "busybox: without mkdir: exit status" 5 "$E2E_RC"

  # A bad --base is refused before the command runs.
  echo '{"defaultAction": "SCMP_ACT_BOGUS"}' >"$E2E_TMP/bad-base.json"
  record --base "$E2E_TMP/bad-base.json" -o "$E2E_TMP/never.json" -- busybox echo RAN
  e2e_expect "busybox: bad --base: the command does not run" "" "$E2E_OUT"
  e2e_expect "busybox: bad --base: exit status 125" 125 "$E2E_RC"
  e2e_expect "busybox: bad --base: the reason, located" \
    "$E2E_TMP/bad-base.json: /defaultAction: error: unknown action \"SCMP_ACT_BOGUS\" (did you mean \"SCMP_ACT_LOG\"?) [unknown-action]" \
    "$(cat "$E2E_TMP/last.err")"

  # --errno: the default action's errno is the one the workload sees.
  record -o "$p" --errno 13 -- busybox sh -c "$w"
  without "$p" mkdir "$cut"
  enforce "$cut" busybox sh -c "$w"
  e2e_expect "busybox: --errno 13: without mkdir it fails with EACCES" \
    "mkdir: can't create directory '$d/x': Permission denied" "$(cat "$E2E_TMP/last.err")"
}

# The HTTP workload (http_workload.py): a server thread on 127.0.0.1, 3 requests from a
# client, bounded; an OSError prints its errno and exits 3.
HTTP_PY=$(cat "$E2E_DIR/http_workload.py") || exit 1

check_python() {
  local p=$E2E_TMP/http.json cut=$E2E_TMP/http-nosocket.json want
  [ -x "$PY" ] || e2e_skip "$PY is not installed"
  want=$'200 hello /r0\n200 hello /r1\n200 hello /r2'
  record -o "$p" -- timeout 20 "$PY" -c "$HTTP_PY"
  e2e_expect "python: recorded run output" "$want" "$E2E_OUT"
  e2e_expect "python: recorded run exit status" 0 "$E2E_RC"
  for name in socket bind listen accept4 connect clone3; do
    e2e_expect "python: $name is recorded" true "$(jq --arg n "$name" '[.syscalls[].names[]] | index($n) != null' "$p")"
  done
  enforce "$p" timeout 20 "$PY" -c "$HTTP_PY"
  e2e_expect "python: the workload under its recording" "$want" "$E2E_OUT"
  e2e_expect "python: the workload under its recording: exit status" 0 "$E2E_RC"
  without "$p" socket "$cut"
  enforce "$cut" timeout 20 "$PY" -c "$HTTP_PY"
  e2e_expect "python: without socket it fails with the profile's EPERM" "error 1" "$E2E_OUT"
  e2e_expect "python: without socket: exit status" 3 "$E2E_RC"
}

SOCK_PY='
import socket, sys
fam = socket.AF_INET if sys.argv[1] == "inet" else socket.AF_UNIX
try:
    socket.socket(fam, socket.SOCK_STREAM).close(); print("ok")
except OSError as e:
    print("error", e.errno)
'

check_args() {
  local p=$E2E_TMP/args.json plain=$E2E_TMP/plain.json
  [ -x "$PY" ] || e2e_skip "$PY is not installed"
  record -o "$p" --args -- "$PY" -c "$SOCK_PY" inet
  e2e_expect "args: recorded run" "ok" "$E2E_OUT"
  e2e_expect "args: socket gets one rule for AF_INET, SOCK_STREAM|SOCK_CLOEXEC" \
    '[{"index":0,"value":4294967295,"valueTwo":2,"op":"SCMP_CMP_MASKED_EQ"},{"index":1,"value":4294967295,"valueTwo":524289,"op":"SCMP_CMP_MASKED_EQ"}]' \
    "$(jq -c '[.syscalls[] | select(.names == ["socket"]) | .args] | if length == 1 then .[0] else . end' "$p")"
  enforce "$p" "$PY" -c "$SOCK_PY" inet
  e2e_expect "args: AF_INET passes" "ok" "$E2E_OUT"
  enforce "$p" "$PY" -c "$SOCK_PY" unix
  e2e_expect "args: AF_UNIX is denied with EPERM" "error 1" "$E2E_OUT"
  # Without --args the same recording allows socket whatever its arguments.
  record -o "$plain" -- "$PY" -c "$SOCK_PY" inet
  e2e_expect "args: without --args, socket has no conditions" '[null]' \
    "$(jq -c '[.syscalls[] | select(.names | index("socket")) | .args]' "$plain")"
  enforce "$plain" "$PY" -c "$SOCK_PY" unix
  e2e_expect "args: without --args, AF_UNIX passes" "ok" "$E2E_OUT"
}

# The pids of processes whose parent is PID.
children_of() { cat "/proc/$1/task/$1/children" 2>/dev/null; }

wait_gone() {
  local pid=$1 i
  for ((i = 0; i < 100; i++)); do
    [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 0
    sleep 0.05
  done
  return 1
}

check_kill() {
  local rec sleeper rc
  # SIGKILL the traced program: the recorder writes the profile and exits 137.
  "$CONVERT" record -o "$E2E_TMP/k1.json" -- busybox sleep 60 </dev/null >/dev/null 2>"$E2E_TMP/k1.err" &
  rec=$!
  for ((i = 0; i < 100; i++)); do sleeper=$(children_of "$rec"); [ -n "$sleeper" ] && grep -q sleep "/proc/$sleeper/cmdline" 2>/dev/null && break; sleep 0.05; done
  [ -n "$sleeper" ] || e2e_die "kill: the traced sleep did not start"
  kill -KILL "$sleeper"
  wait "$rec" && rc=0 || rc=$?
  e2e_expect "kill: record exits 128+9 when its command is SIGKILLed" 137 "$rc"
  e2e_expect "kill: the recorder has exited" 0 "$(wait_gone "$rec"; echo $?)"
  e2e_expect "kill: it says so" "seccomp-convert: busybox killed by signal SIGKILL (9)" "$(cat "$E2E_TMP/k1.err")"
  e2e_expect "kill: the profile is still written" true "$(jq '[.syscalls[].names[]] | index("nanosleep") != null or index("clock_nanosleep") != null' "$E2E_TMP/k1.json")"

  # SIGKILL the recorder: PTRACE_O_EXITKILL takes the traced program with it.
  "$CONVERT" record -o "$E2E_TMP/k2.json" -- busybox sleep 60 </dev/null >/dev/null 2>&1 &
  rec=$!
  sleeper=""
  for ((i = 0; i < 100; i++)); do sleeper=$(children_of "$rec"); [ -n "$sleeper" ] && grep -q sleep "/proc/$sleeper/cmdline" 2>/dev/null && break; sleep 0.05; done
  [ -n "$sleeper" ] || e2e_die "kill: the traced sleep did not start"
  kill -KILL "$rec"
  wait "$rec" 2>/dev/null
  e2e_expect "kill: the traced program dies with its recorder" 0 "$(wait_gone "$sleeper"; echo $?)"
  e2e_expect "kill: no profile is written by a killed recorder" false "$([ -e "$E2E_TMP/k2.json" ] && echo true || echo false)"
}

e2e_init
e2e_require_cmd busybox
CONVERT=${SCC_CONVERT_BIN:-}
[ -n "$CONVERT" ] && [ -x "$CONVERT" ] || e2e_die "SCC_CONVERT_BIN is not set or not executable"
case "$WHAT" in
  busybox) check_busybox ;;
  python) check_python ;;
  args) check_args ;;
  kill) check_kill ;;
  *) e2e_die "unknown check $WHAT" ;;
esac
e2e_finish
