# shellcheck shell=bash disable=SC2120  # optional arguments (e2e_dockerd_start ARGS...)
# End-to-end harness: run real containers (runc, crun, podman, docker) with a given seccomp
# profile and compare exactly what a probe inside them prints. Sourced by test/e2e/*.sh.
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_init                          # root + seccomp, else exit 77; temp dir; cleanup trap
#   e2e_oci_run runc "$seccomp_json" probe 258 -100 0 0
#   e2e_expect "mkdirat is denied" "errno EACCES" "$E2E_OUT"
#   e2e_finish                        # exit 1 if any expectation failed
#   E2E_SHOW=1 <test>.sh ...            # also print the checked text under each PASS
#
# The functions set globals (E2E_OUT, E2E_RC, E2E_ROOTFS, ...) instead of printing them:
# they are called directly, never in $(...), so that a skip or a failure inside them ends
# the test and the cleanup list they extend is the test's own.
#
# Everything lives in one short temp dir (unix socket paths are limited to 108 bytes),
# removed by the EXIT trap, which first ends the processes this harness started (by pid)
# and unmounts what the engines mounted below it. The machine facts behind the choices
# here (crun wrapper, podman ulimits, dockerd flags) are in ../shared/research/runtimes.md.

set -u -o pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_TMP=""           # the temp dir, set by e2e_init
E2E_FAILED=0         # number of failed expectations
E2E_IMAGE=scc-e2e    # image name for podman and docker
E2E_DEFERRED=()      # cleanup commands, run last-in first-out
E2E_SEQ=0            # numbers bundles and container ids within one test
E2E_PROBE=""         # set by e2e_build_probe
E2E_ROOTFS=""        # set by e2e_build_rootfs
E2E_ROOTFS_TAR=""    # set by e2e_build_rootfs_tar
E2E_CRUN=""          # set by e2e_install_crun_wrapper
E2E_BUNDLE=""        # set by e2e_oci_bundle
E2E_DOCKERD_PID=""   # set by e2e_dockerd_start
E2E_OUT=""           # every e2e_*_run: the container's stdout,
E2E_RC=0             # its exit status; the engine's stderr is in $E2E_TMP/last.err

e2e_log() { printf '[e2e] %s\n' "$*" >&2; }

# Exit 77 (CTest: skipped) with the reason. Only for machines that cannot run the test.
e2e_skip() {
  printf 'SKIPPED: %s\n' "$*" >&2
  exit 77
}

# A setup step failed: that is a test failure, not a skip.
e2e_die() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

# Register a cleanup command (a string evaluated at exit).
e2e_defer() { E2E_DEFERRED+=("$1"); }

e2e_cleanup() {
  local rc=$? i
  for ((i = ${#E2E_DEFERRED[@]} - 1; i >= 0; i--)); do
    eval "${E2E_DEFERRED[i]}" >/dev/null 2>&1 || true
  done
  if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
    e2e_unmount_below "$E2E_TMP"
    # --one-file-system: never descend into a mount that survived the unmounting.
    rm -rf --one-file-system "$E2E_TMP" 2>/dev/null || e2e_log "could not remove all of $E2E_TMP"
  fi
  exit "$rc"
}

# Unmount, deepest first, every mount point at or below $1 (podman leaves shm mounts).
e2e_unmount_below() {
  local m
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# Checks that make a test impossible here (skip), then the temp dir and the trap.
e2e_init() {
  [ "$(id -u)" = 0 ] || e2e_skip "needs root (runs containers and loads seccomp filters)"
  grep -q '^Seccomp:' /proc/self/status || e2e_skip "kernel without seccomp (no Seccomp: line in /proc/self/status)"
  grep -qw errno /proc/sys/kernel/seccomp/actions_avail 2>/dev/null ||
    e2e_skip "kernel without seccomp filters (/proc/sys/kernel/seccomp/actions_avail lacks errno)"
  command -v jq >/dev/null || e2e_die "jq is missing (scripts/install-deps.sh installs it)"
  trap e2e_cleanup EXIT
  trap 'exit 130' INT TERM
  E2E_TMP=$(mktemp -d /tmp/scce.XXXXXX) || e2e_die "mktemp failed"
  chmod 755 "$E2E_TMP"
  e2e_log "temp dir $E2E_TMP"
}

# Skip unless every named command exists.
e2e_require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || e2e_skip "$c is not installed"
  done
}

# The OCI architectures for this machine: native plus its 32-bit companions.
e2e_native_arches() {
  case "$(uname -m)" in
    x86_64) echo '["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"]' ;;
    aarch64) echo '["SCMP_ARCH_AARCH64","SCMP_ARCH_ARM"]' ;;
    *) e2e_skip "the harness has no syscall numbers for $(uname -m)" ;;
  esac
}

# The archMap for Docker-format test profiles; the engines keep the native entry.
e2e_docker_archmap() {
  echo '[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]},
  {"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}]'
}

# Native syscall number of NAME, for the few syscalls the e2e tests use.
e2e_nr() {
  case "$(uname -m):$1" in
    x86_64:getpid) echo 39 ;;
    x86_64:mkdir) echo 83 ;;
    x86_64:mkdirat) echo 258 ;;
    aarch64:getpid) echo 172 ;;
    aarch64:mkdirat) echo 34 ;;
    *) echo "e2e_nr: no number for $1 on $(uname -m)" >&2; echo -1 ;;
  esac
}

# --- rootfs and probe -------------------------------------------------------------------

# The static probe (probe.c), in E2E_PROBE. CTest passes the one CMake built in
# SCC_E2E_PROBE; run by hand, the harness compiles it into the temp dir.
e2e_build_probe() {
  if [ -n "${SCC_E2E_PROBE:-}" ]; then
    [ -x "$SCC_E2E_PROBE" ] || e2e_die "SCC_E2E_PROBE=$SCC_E2E_PROBE is not executable"
    E2E_PROBE=$SCC_E2E_PROBE
  elif [ -z "$E2E_PROBE" ]; then
    command -v gcc >/dev/null || e2e_die "gcc is missing: cannot build probe.c"
    gcc -static -O2 -pthread -o "$E2E_TMP/probe" "$E2E_DIR/probe.c" || e2e_die "could not build probe.c"
    E2E_PROBE=$E2E_TMP/probe
  fi
}

# A busybox rootfs with the probe at /bin/probe, built once, in E2E_ROOTFS.
e2e_build_rootfs() {
  local r=$E2E_TMP/rootfs busybox a
  [ -z "$E2E_ROOTFS" ] || return 0
  busybox=$(command -v busybox) || e2e_skip "busybox is not installed (package busybox-static)"
  e2e_build_probe
  mkdir -p "$r"/bin "$r"/proc "$r"/sys "$r"/dev "$r"/tmp "$r"/etc "$r"/root
  cp "$busybox" "$r/bin/busybox"
  for a in $("$busybox" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
  done
  cp "$E2E_PROBE" "$r/bin/probe"
  E2E_ROOTFS=$r
}

# The rootfs as a tar, for `podman import` and `docker import`, in E2E_ROOTFS_TAR.
e2e_build_rootfs_tar() {
  [ -z "$E2E_ROOTFS_TAR" ] || return 0
  e2e_build_rootfs
  tar -C "$E2E_ROOTFS" -cf "$E2E_TMP/rootfs.tar" . || e2e_die "tar of the rootfs failed"
  E2E_ROOTFS_TAR=$E2E_TMP/rootfs.tar
}

# Run "$@" with stdin from /dev/null: stdout into E2E_OUT, the status into E2E_RC,
# stderr into $E2E_TMP/last.err.
e2e_capture() {
  # shellcheck disable=SC2034  # read by the tests that source this file
  E2E_OUT=$("$@" </dev/null 2>"$E2E_TMP/last.err") && E2E_RC=0 || E2E_RC=$?
}

# --- runc and crun ----------------------------------------------------------------------

# The crun wrapper of runtimes.md section 1, in E2E_CRUN: crun 1.8.1 refuses hybrid
# cgroups, so it runs in a private mount namespace where the cgroup2 mount is hidden and
# the host looks like pure cgroup v1. Installed in the temp dir, never system-wide.
e2e_install_crun_wrapper() {
  local w=$E2E_TMP/bin/crun-v1 crun
  [ -z "$E2E_CRUN" ] || return 0
  crun=$(command -v crun) || e2e_skip "crun is not installed"
  mkdir -p "$E2E_TMP/bin"
  cat >"$w" <<EOF
#!/bin/sh
exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec $crun "\$@"' crun "\$@"
EOF
  chmod 755 "$w"
  E2E_CRUN=$w
}

# Make a bundle at $E2E_TMP/bundle-N from `runc spec`, in E2E_BUNDLE. SECCOMP is a file
# holding an OCI linux.seccomp object, or "" for none; the rest is process.args. The jq
# filter in E2E_SPEC_EDIT, when set, edits the config last.
e2e_oci_bundle() {
  local seccomp=$1 b spec args a i=0
  local named=()
  shift
  e2e_require_cmd runc
  e2e_build_rootfs
  E2E_SEQ=$((E2E_SEQ + 1))
  b=$E2E_TMP/bundle-$E2E_SEQ
  mkdir -p "$b"
  runc spec --bundle "$b" || e2e_die "runc spec failed"
  # Each argument travels as the value of an --arg: jq 1.6 would take a bare "-c" among
  # --args for its own option.
  for a in "$@"; do named+=(--arg "a$i" "$a"); i=$((i + 1)); done
  args=$(jq -n "${named[@]}" '[range(0; $ARGS.named | length) as $i | $ARGS.named["a\($i)"]]') ||
    e2e_die "jq failed on the arguments"
  spec=$(jq --arg root "$E2E_ROOTFS" --argjson args "$args" '.process.terminal = false
        | .process.args = $args | .root.path = $root | del(.linux.seccomp)' "$b/config.json") ||
    e2e_die "jq on config.json failed"
  if [ -n "$seccomp" ]; then
    spec=$(jq --slurpfile s "$seccomp" '.linux.seccomp = $s[0]' <<<"$spec") ||
      e2e_die "$seccomp is not JSON"
  fi
  # E2E_SPEC_EDIT: an optional jq filter applied last, for tests that need more than
  # seccomp and args (mounts, namespaces, noNewPrivileges).
  if [ -n "${E2E_SPEC_EDIT:-}" ]; then
    spec=$(jq "$E2E_SPEC_EDIT" <<<"$spec") || e2e_die "jq failed on E2E_SPEC_EDIT"
  fi
  printf '%s\n' "$spec" >"$b/config.json"
  E2E_BUNDLE=$b
}

# Run ARGS in a container under RUNTIME (runc|crun) with the OCI linux.seccomp in file
# SECCOMP ("" for none). Runtime state stays in the temp dir.
e2e_oci_run() {
  local runtime=$1 seccomp=$2 id
  local rt=()
  shift 2
  case "$runtime" in
    runc) e2e_require_cmd runc; rt=(runc --root "$E2E_TMP/state-runc") ;;
    crun) e2e_install_crun_wrapper; rt=("$E2E_CRUN" --root "$E2E_TMP/state-crun") ;;
    *) e2e_die "unknown OCI runtime $runtime" ;;
  esac
  e2e_oci_bundle "$seccomp" "$@"
  id=scce-$$-$E2E_SEQ
  e2e_defer "${rt[*]} delete -f $id"
  e2e_capture "${rt[@]}" run --bundle "$E2E_BUNDLE" "$id"
}

# --- podman -----------------------------------------------------------------------------

# Point podman at a private configuration and storage under the temp dir (runtimes.md
# section 3): vfs, cgroupfs, no network, and default_ulimits, without which podman's
# default rlimits exceed this machine's hard limits. RUNTIME: runc (default) or crun.
e2e_podman_setup() {
  local runtime=${1:-runc} p=$E2E_TMP/podman
  e2e_require_cmd podman "$runtime"
  if [ "$runtime" = crun ]; then
    e2e_install_crun_wrapper
    runtime=$E2E_CRUN
  fi
  mkdir -p "$p/tmp" "$p/net" "$E2E_TMP/hooks.d"
  cat >"$p/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "$runtime"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$p/events.log"
tmp_dir = "$p/tmp"
hooks_dir = ["$E2E_TMP/hooks.d"]
[network]
network_config_dir = "$p/net"
EOF
  cat >"$p/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$p/root"
runroot = "$p/run"
EOF
  export CONTAINERS_CONF=$p/containers.conf CONTAINERS_STORAGE_CONF=$p/storage.conf
  e2e_defer "podman rm -a -f -t 0"
  e2e_build_rootfs_tar
  e2e_capture podman import -q "$E2E_ROOTFS_TAR" "localhost/$E2E_IMAGE:latest"
  [ "$E2E_RC" = 0 ] || e2e_die "podman import failed: $(cat "$E2E_TMP/last.err")"
}

# podman run with the Docker-format PROFILE ("" for podman's default profile).
e2e_podman_run() {
  local profile=$1
  local opt=()
  shift
  [ -z "$profile" ] || opt=(--security-opt "seccomp=$profile")
  e2e_capture podman run --rm "${opt[@]}" "localhost/$E2E_IMAGE:latest" "$@"
}

# --- docker -----------------------------------------------------------------------------

# Start a private dockerd (runtimes.md section 4) with its data, exec root and socket in
# the temp dir; extra arguments go to dockerd (e.g. --add-runtime NAME=PATH).
e2e_dockerd_start() {
  local d=$E2E_TMP/d i
  e2e_require_cmd dockerd docker
  mkdir -p "$d"
  export DOCKER_HOST=unix://$d/docker.sock DOCKER_CONFIG=$d/cli
  dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/dockerd.pid" \
    -H "$DOCKER_HOST" "$@" >"$d/dockerd.log" 2>&1 &
  E2E_DOCKERD_PID=$!
  e2e_defer e2e_dockerd_stop
  for ((i = 0; i < 300; i++)); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$E2E_DOCKERD_PID" 2>/dev/null || e2e_die "dockerd exited: $(tail -20 "$d/dockerd.log")"
    sleep 0.1
  done
  [ "$i" -lt 300 ] || e2e_die "dockerd not ready after 30 s: $(tail -20 "$d/dockerd.log")"
  e2e_build_rootfs_tar
  e2e_capture docker import "$E2E_ROOTFS_TAR" "$E2E_IMAGE:latest"
  [ "$E2E_RC" = 0 ] || e2e_die "docker import failed: $(cat "$E2E_TMP/last.err")"
}

# Stop the dockerd we started (by its pid), and its containerd if that outlives it.
e2e_dockerd_stop() {
  local pid=$E2E_DOCKERD_PID cpid i
  [ -n "$pid" ] || return 0
  docker ps -aq | xargs -r docker rm -f
  cpid=$(cat "$E2E_TMP/d/exec/containerd/containerd.pid" 2>/dev/null)
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null; then kill -KILL "$cpid"; fi
  E2E_DOCKERD_PID=""
}

# docker run with the Docker-format PROFILE ("" for docker's default profile).
e2e_docker_run() {
  local profile=$1
  local opt=()
  shift
  [ -z "$profile" ] || opt=(--security-opt "seccomp=$profile")
  e2e_capture docker run --rm --network none "${opt[@]}" "$E2E_IMAGE:latest" "$@"
}

# --- recorded profiles --------------------------------------------------------------------

# Run CMD... confined by PROFILE through `seccomp-convert run` (SCC_CONVERT_BIN), at most
# 60 s: E2E_OUT/E2E_RC as e2e_capture sets them.
e2e_run_confined() {
  local profile=$1
  shift
  e2e_capture timeout 60 "$SCC_CONVERT_BIN" run --profile "$profile" -- "$@"
}

# A copy of PROFILE (Docker or OCI JSON) without syscall NAME in any rule, written to OUT.
e2e_profile_without() {
  jq --arg n "$2" '.syscalls |= map(.names -= [$n] | select(.names | length > 0))' "$1" >"$3" ||
    e2e_die "jq failed on $1"
}

# --- assertions -------------------------------------------------------------------------

# Compare exact strings; on a mismatch show both and the engine's last stderr.
e2e_expect() {
  local what=$1 want=$2 got=$3
  if [ "$want" = "$got" ]; then
    printf 'PASS: %s\n' "$what"
    # E2E_SHOW=1: the checked text under each PASS (for a reader; e.g. a closing note).
    [ "${E2E_SHOW:-0}" != 1 ] || [ -z "$got" ] || printf '%s\n' "$got" | sed 's/^/    | /'
    return 0
  fi
  E2E_FAILED=$((E2E_FAILED + 1))
  printf 'FAIL: %s\n--- expected\n%s\n--- got\n%s\n' "$what" "$want" "$got"
  if [ -s "$E2E_TMP/last.err" ]; then
    printf -- '--- engine stderr\n'
    cat "$E2E_TMP/last.err"
  fi
  return 0
}

e2e_finish() {
  if [ "$E2E_FAILED" -ne 0 ]; then
    printf '%d expectation(s) failed\n' "$E2E_FAILED"
    exit 1
  fi
  echo "all expectations passed"
  exit 0
}
