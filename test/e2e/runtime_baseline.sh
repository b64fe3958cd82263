#!/bin/bash
# The runtime baseline (core/src/runtime_baseline.cpp) on the real runtimes: a profile
# made by from-strace from `busybox echo ok` starts as a container under RUNTIME (runc or
# crun) with process.noNewPrivileges true and false, as uid 0 and 1000; without the
# baseline (--no-baseline) runc never starts it and crun only with no_new_privs (after
# loading the filter it then only closes fds and execs). Then the baseline is measured
# again for RUNTIME (scripts/measure-runtime-baseline.sh, 2 runs per variant) and every name
# measured must be in the recorded profile.
#
#   runtime_baseline.sh runc | crun
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

RUNTIME=${1:?usage: runtime_baseline.sh runc|crun}
e2e_init
[ "$(uname -m)" = x86_64 ] || e2e_skip "the baseline is measured on x86_64"
e2e_require_cmd strace busybox runc "$RUNTIME"
CONVERT=${SCC_CONVERT_BIN:-}
[ -x "$CONVERT" ] || e2e_die "SCC_CONVERT_BIN is not set to seccomp-convert"

strace -f -o "$E2E_TMP/echo.log" busybox echo ok >/dev/null || e2e_die "strace failed"
for variant in with without; do
  opt=()
  [ "$variant" = with ] || opt=(--no-baseline)
  "$CONVERT" from-strace "${opt[@]}" "$E2E_TMP/echo.log" -o "$E2E_TMP/$variant.json" ||
    e2e_die "from-strace failed"
  "$CONVERT" resolve "$E2E_TMP/$variant.json" -o "$E2E_TMP/$variant-oci.json" || e2e_die "resolve failed"
done

for nnp in true false; do
  for uid in 0 1000; do
    E2E_SPEC_EDIT=".process.noNewPrivileges = $nnp | .process.user.uid = $uid | .process.user.gid = $uid"
    e2e_oci_run "$RUNTIME" "$E2E_TMP/with-oci.json" /bin/echo ok
    e2e_expect "$RUNTIME nnp=$nnp uid=$uid: starts with the baseline" "0 ok" "$E2E_RC $E2E_OUT"
    e2e_oci_run "$RUNTIME" "$E2E_TMP/without-oci.json" /bin/echo ok
    # Without the baseline the container never runs echo. How runc then fails
    # depends on which of its own calls is denied first: an error exit (1) or,
    # when a futex call is the one refused, a Go panic (2). Both are "did not
    # start"; the test pins that set and that echo never ran.
    got="$E2E_RC $E2E_OUT"
    case "$RUNTIME:$nnp:$E2E_RC" in
      crun:true:*) ;;
      runc:*:2) got="1 $E2E_OUT" ;;
    esac
    want="1 "
    [ "$RUNTIME:$nnp" = crun:true ] && want="0 ok"
    e2e_expect "$RUNTIME nnp=$nnp uid=$uid: without the baseline (1, or runc's panic 2)" "$want" "$got"
  done
done
unset E2E_SPEC_EDIT

measured=$(bash "$E2E_DIR/../../scripts/measure-runtime-baseline.sh" 2 "$RUNTIME" 2>/dev/null | sed -n 's/^union: //p')
[ -n "$measured" ] || e2e_die "measuring the baseline failed"
missing=$(for n in $measured; do
  jq -e --arg n "$n" '[.syscalls[].names[]] | index($n) != null' "$E2E_TMP/with.json" >/dev/null || echo "$n"
done)
e2e_expect "every syscall measured after the filter load is in the baseline" "" "$missing"
e2e_finish
