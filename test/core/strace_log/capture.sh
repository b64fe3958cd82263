#!/bin/bash
# Regenerate the strace log fixtures of strace_log_test.cpp from real commands (strace 6.1,
# x86_64, as root). Pids and addresses change on every run; the tests read only syscall
# names, arches, counts and diagnostics, so re-captured logs must give the same sets
# (check the test after regenerating). Needs busybox-static, strace and gcc; PROBE is
# test/e2e/probe.c built static (int 0x80 calls and numbers beyond the tables).
set -euo pipefail
cd "$(dirname "$0")"
B=$(command -v busybox)
PROBE=${PROBE:?set PROBE to a static build of test/e2e/probe.c}
W=("$B" sh -c "$B true & wait")
strace -f -o f.log "${W[@]}"
rm -f ff.*; strace -ff -o ff "${W[@]}"
strace -f -tt -T -y -o tt_T_y.log "${W[@]}"
strace -ttt -o ttt.log "$B" true
strace -t -o t.log "$B" true
strace -r -o r.log "$B" true
strace -n -o n.log "$B" true
strace -X raw -o x_raw.log "$B" true
strace -e raw=all -o raw_all.log "$B" true
strace -i -o i.log "$B" true
strace -f -n -X raw -ttt -T -y -o all.log "${W[@]}"
strace -f "${W[@]}" 2>stderr_pid.log
strace -f -o killed.log "$B" sh -c "$B sleep 5 & kill -9 \$!; wait"
strace -o unknown_nr.log "$PROBE" 1000 >/dev/null
strace -n -o unknown_nr_n.log "$PROBE" 1000 >/dev/null
# 32-bit calls through int 0x80 (i386 getpid 20, _llseek 140): markers only with quiet=none
strace -f -e quiet=none -o int80_markers.log "$PROBE" int80 140 >/dev/null
strace -f -o int80_no_markers.log "$PROBE" int80 140 >/dev/null
# The logs name the directory they were captured in: replace it with a fixed path so no
# path of the capturing machine is committed.
sed -i "s#$PWD#/src/strace_log#g" ./*.log ff.*
