#!/bin/bash
# `seccomp-convert from-strace` on the real kernel (issue 5): trace a workload with
# `strace -f -o LOG` and with `strace -ff -o PREFIX`, turn the logs into a profile, enforce
# it with `seccomp-convert run`: the workload passes; remove one recorded syscall it needs:
# it fails with the profile's errno. Workloads as in record_cli.sh: a busybox shell and
# the python3 HTTP server+client on loopback (http_workload.py; 3 requests, 20 s).
# `equal` checks that strace and `seccomp-convert record` find the same syscall set and
# arches for the same workloads, and an i386 call (int 0x80) too when strace is asked for
# its personality markers (-e quiet=none); without them strace's log cannot tell.
#
#   from_strace.sh busybox | python | equal
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

WHAT=${1:?usage: from_strace.sh busybox|python|equal}
PY=/usr/bin/python3
CONVERT=""

# trace MODE OUT CMD...: strace -f -o OUT or strace -ff -o OUT (MODE f|ff), E2E_OUT/E2E_RC.
trace() {
  local mode=$1 out=$2
  shift 2
  e2e_capture strace "-$mode" -o "$out" "$@"
}
convert_logs() { e2e_capture "$CONVERT" from-strace "$@"; }
enforce() { e2e_run_confined "$@"; }
without() { e2e_profile_without "$@"; }
names() { jq -c '[.syscalls[].names[]] | unique' "$1"; }

BB_DIR=""
bb_workload() {
  echo "mkdir $BB_DIR/x && echo made >$BB_DIR/x/f && cat $BB_DIR/x/f && ls $BB_DIR/x && rm -r $BB_DIR/x && uname -s; exit 5"
}

check_busybox() {
  local mode p cut w want
  BB_DIR=$E2E_TMP/work
  mkdir -p "$BB_DIR"
  w=$(bb_workload)
  want=$'made\nf\nLinux'
  for mode in f ff; do
    p=$E2E_TMP/bb-$mode.json cut=$E2E_TMP/bb-$mode-nomkdir.json
    trace "$mode" "$E2E_TMP/bb-$mode.log" busybox sh -c "$w"
    e2e_expect "busybox -$mode: traced run output" "$want" "$E2E_OUT"
    convert_logs "$E2E_TMP/bb-$mode.log" -o "$p"
    e2e_expect "busybox -$mode: from-strace succeeds silently" "0:" "$E2E_RC:$(cat "$E2E_TMP/last.err")"
    e2e_expect "busybox -$mode: mkdir is recorded" true "$(jq '[.syscalls[].names[]] | index("mkdir") != null' "$p")"
    enforce "$p" busybox sh -c "$w"
    e2e_expect "busybox -$mode: the workload under its profile" "$want" "$E2E_OUT"
    e2e_expect "busybox -$mode: the workload under its profile: exit status" 5 "$E2E_RC"
    without "$p" mkdir "$cut"
    enforce "$cut" busybox sh -c "$w"
    e2e_expect "busybox -$mode: without mkdir it fails with the profile's EPERM" \
      "mkdir: can't create directory '$BB_DIR/x': Operation not permitted" "$(cat "$E2E_TMP/last.err")"
    e2e_expect "busybox -$mode: without mkdir: exit status" 5 "$E2E_RC"
  done
  # --errno: the errno the workload sees is the profile's.
  convert_logs "$E2E_TMP/bb-f.log" --errno EACCES -o "$p"
  without "$p" mkdir "$cut"
  enforce "$cut" busybox sh -c "$w"
  e2e_expect "busybox: --errno EACCES: without mkdir it fails with EACCES" \
    "mkdir: can't create directory '$BB_DIR/x': Permission denied" "$(cat "$E2E_TMP/last.err")"
  # The runtime baseline (capset, setresuid, ...: runc and crun after loading the filter)
  # is in by default and out with --no-baseline; the workload never calls capset.
  e2e_expect "busybox: the workload never calls capset" "" "$(grep -h 'capset(' "$E2E_TMP"/bb-f.log)"
  e2e_expect "busybox: the baseline's capset is allowed by default" true \
    "$(jq '[.syscalls[].names[]] | index("capset") != null' "$E2E_TMP/bb-f.json")"
  convert_logs "$E2E_TMP/bb-f.log" --no-baseline -o "$p"
  e2e_expect "busybox: --no-baseline leaves capset out" false \
    "$(jq '[.syscalls[].names[]] | index("capset") != null' "$p")"
}

HTTP_PY=$(cat "$E2E_DIR/http_workload.py") || exit 1

check_python() {
  local mode p cut want
  [ -x "$PY" ] || e2e_skip "$PY is not installed"
  want=$'200 hello /r0\n200 hello /r1\n200 hello /r2'
  for mode in f ff; do
    p=$E2E_TMP/http-$mode.json cut=$E2E_TMP/http-$mode-nosocket.json
    trace "$mode" "$E2E_TMP/http-$mode.log" timeout 20 "$PY" -c "$HTTP_PY"
    e2e_expect "python -$mode: traced run output" "$want" "$E2E_OUT"
    convert_logs "$E2E_TMP/http-$mode.log" -o "$p"
    e2e_expect "python -$mode: from-strace succeeds silently" "0:" "$E2E_RC:$(cat "$E2E_TMP/last.err")"
    for name in socket bind listen accept4 connect clone3; do
      e2e_expect "python -$mode: $name is recorded" true \
        "$(jq --arg n "$name" '[.syscalls[].names[]] | index($n) != null' "$p")"
    done
    enforce "$p" timeout 20 "$PY" -c "$HTTP_PY"
    e2e_expect "python -$mode: the workload under its profile" "$want" "$E2E_OUT"
    e2e_expect "python -$mode: the workload under its profile: exit status" 0 "$E2E_RC"
    without "$p" socket "$cut"
    enforce "$cut" timeout 20 "$PY" -c "$HTTP_PY"
    e2e_expect "python -$mode: without socket it fails with the profile's EPERM" "error 1" "$E2E_OUT"
    e2e_expect "python -$mode: without socket: exit status" 3 "$E2E_RC"
  done
}

# strace and the built-in tracer see the same calls: both start at the command's execve
# and follow every thread and child (record's tracer is seccomp-assisted, strace stops
# at every syscall; neither changes what the workload does). Counts differ between runs;
# the name sets and arches do not. Both without the baseline, which only record's
# profile would otherwise share.
check_equal() {
  local name mode
  [ -x "$PY" ] || e2e_skip "$PY is not installed"
  BB_DIR=$E2E_TMP/work
  mkdir -p "$BB_DIR"
  e2e_build_probe
  for name in busybox python int80; do
    case $name in
      busybox) set -- busybox sh -c "$(bb_workload)" ;;
      python) set -- timeout 20 "$PY" -c "$HTTP_PY" ;;
      int80) set -- "$E2E_PROBE" int80 20 ;;  # getpid through the i386 gate: an x86 call
    esac
    e2e_capture "$CONVERT" record --no-baseline -o "$E2E_TMP/$name-record.json" -- "$@"
    for mode in f ff; do
      # strace writes its personality markers to a file only with quiet=none
      trace "$mode" "$E2E_TMP/$name-$mode.log" -e quiet=none "$@"
      convert_logs "$E2E_TMP/$name-$mode.log" --no-baseline -o "$E2E_TMP/$name-$mode.json"
      e2e_expect "$name: strace -$mode and record find the same syscalls" \
        "$(names "$E2E_TMP/$name-record.json")" "$(names "$E2E_TMP/$name-$mode.json")"
      e2e_expect "$name: strace -$mode and record find the same arches" \
        "$(jq -c .archMap "$E2E_TMP/$name-record.json")" "$(jq -c .archMap "$E2E_TMP/$name-$mode.json")"
    done
  done
  e2e_expect "int80: record sees the x86 call" \
    '[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}]' \
    "$(jq -c .archMap "$E2E_TMP/int80-record.json")"
  # The one difference: strace's default (quiet=personality when writing to a file) drops
  # the markers, so the x86 getpid reads as x86_64's getpid and x86 is missing.
  trace f "$E2E_TMP/int80-quiet.log" "$E2E_PROBE" int80 20
  convert_logs "$E2E_TMP/int80-quiet.log" --no-baseline -o "$E2E_TMP/int80-quiet.json"
  e2e_expect "int80: without markers strace's log shows no x86" \
    '[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}]' "$(jq -c .archMap "$E2E_TMP/int80-quiet.json")"
}

e2e_init
[ "$(uname -m)" = x86_64 ] || e2e_skip "the workloads' expectations are x86_64's"
e2e_require_cmd strace busybox
CONVERT=${SCC_CONVERT_BIN:-}
[ -x "$CONVERT" ] || e2e_die "SCC_CONVERT_BIN is not set to seccomp-convert"
case $WHAT in
  busybox) check_busybox ;;
  python) check_python ;;
  equal) check_equal ;;
  *) e2e_die "unknown check $WHAT" ;;
esac
e2e_finish
