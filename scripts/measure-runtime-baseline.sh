#!/bin/bash
# Measure the runtime baseline (core/src/runtime_baseline.cpp): the syscalls runc and
# crun make in the container's init after loading the seccomp filter, up to the execve
# of the container's program. Each runtime runs a busybox container (/bin/true) RUNS
# times (default 5; `measure-runtime-baseline.sh RUNS [RUNTIME...]`) under `strace -f`, with process.noNewPrivileges true and false, as
# root and as uid 1000; scripts/runtime-baseline-extract.py takes the syscalls after the
# filter load from each log. Prints "RUNTIME nnp=X uid=U: names..." per variant, then
# the union. Needs root, runc, crun, strace, busybox-static, jq (scripts/install-deps.sh).
# docs/recording.md says how the table was made from this output.
set -uo pipefail
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
E2E_DIR=$SCRIPTS/../test/e2e
# shellcheck source=../test/e2e/lib.sh
. "$E2E_DIR/lib.sh"
RUNS=${1:-5}
RUNTIMES=("${@:2}")
[ ${#RUNTIMES[@]} -gt 0 ] || RUNTIMES=(runc crun)
e2e_init
e2e_require_cmd strace runc crun python3
# A filter that blocks one unused call, so that the runtime loads one.
echo '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
  "syscalls":[{"names":["kexec_load"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' >"$E2E_TMP/seccomp.json"
e2e_install_crun_wrapper
all=()
for runtime in "${RUNTIMES[@]}"; do
  case "$runtime" in
    runc) rt=(runc --root "$E2E_TMP/state-runc") ;;
    crun) rt=("$E2E_CRUN" --root "$E2E_TMP/state-crun") ;;
    *) e2e_die "unknown runtime $runtime (runc or crun)" ;;
  esac
  for nnp in true false; do
    for uid in 0 1000; do
      e2e_oci_bundle "$E2E_TMP/seccomp.json" /bin/true
      jq --argjson nnp "$nnp" --argjson uid "$uid" \
        '.process.noNewPrivileges = $nnp | .process.user.uid = $uid | .process.user.gid = $uid' \
        "$E2E_BUNDLE/config.json" >"$E2E_BUNDLE/c.json" && mv "$E2E_BUNDLE/c.json" "$E2E_BUNDLE/config.json"
      logs=()
      for i in $(seq "$RUNS"); do
        log=$E2E_TMP/$runtime-$nnp-$uid-$i.log
        id=scc-baseline-$$-$E2E_SEQ-$i
        strace -f -o "$log" "${rt[@]}" run --bundle "$E2E_BUNDLE" "$id" </dev/null ||
          e2e_die "$runtime run failed (nnp=$nnp uid=$uid)"
        logs+=("$log")
        all+=("$log")
      done
      names=$(python3 "$SCRIPTS/runtime-baseline-extract.py" '"/bin/true"' "${logs[@]}") ||
        e2e_die "extracting from the $runtime logs failed"
      echo "$runtime nnp=$nnp uid=$uid: $(echo $names)"
    done
  done
done
echo "union: $(python3 "$SCRIPTS/runtime-baseline-extract.py" '"/bin/true"' "${all[@]}" | tr '\n' ' ')"
