#!/bin/bash
# install-profiles.sh: flatten, validate and install seccomp profiles for the kubelet.
#
# Run by the seccomp-hook DaemonSet on every node (deploy/kubernetes/daemonset.yaml), or by
# hand on a node. For each SOURCE/*.json it
#   1. checks the profile for the node's architecture (`seccomp-convert check --arch`),
#   2. flattens it (`seccomp-convert resolve --arch`): archMap, includes and excludes are
#      resolved for this architecture, the running kernel and Docker's default capability
#      set, because containerd reads Localhost profiles as plain OCI and would drop them;
#      --width-exact, because containerd compiles it with libseccomp's 64-bit compares:
#      conditions on 32-bit arguments (ioctl's cmd, ...) become low-half MASKED_EQ rules,
#      so ioctl(fd, 0x100005412) cannot slip past a TIOCSTI rule,
#   3. checks the flat result again,
# and only when every profile passed, writes each one that changed atomically (temporary
# file in the same directory, fsync, rename) as
#   ROOT/SECCOMP_DIR/seccomp-hook/<name>.json
# where a Pod selects it with
#   securityContext.seccompProfile: {type: Localhost, localhostProfile: seccomp-hook/<name>.json}
# Installed profiles whose source is gone are removed. A failure changes nothing.
#
# Usage: install-profiles.sh [--source DIR] [--root DIR] [--seccomp-dir PATH] [--arch ARCH]
#                            [--kernel X.Y] [--convert PATH] [--watch SECONDS]
#                            [--ready-file PATH]
#   --source DIR       profiles to install (default /usr/share/seccomp-hook/profiles)
#   --root DIR         the node's root as seen here (default /; the DaemonSet mounts it at /host)
#   --seccomp-dir PATH the kubelet's seccomp directory below ROOT (default /var/lib/kubelet/seccomp)
#   --arch ARCH        target architecture (default: the node's, from uname -m)
#   --kernel X.Y       target kernel (default: the running kernel)
#   --convert PATH     the seccomp-convert binary (default: seccomp-convert from PATH)
#   --watch SECONDS    after the first install, reinstall every SECONDS (a ConfigMap update
#                      reaches the mounted SOURCE within about a minute); a later failure
#                      keeps the installed profiles and is retried
#   --ready-file PATH  create PATH after the first successful install (readiness probe)
# Exit status: 0 installed (or, with --watch, stopped by SIGTERM), 1 a profile failed its
# checks or a write failed, 2 a usage error.
set -u -o pipefail

SOURCE=/usr/share/seccomp-hook/profiles
ROOT=/
SECCOMP_DIR=/var/lib/kubelet/seccomp
ARCH=""
KERNEL=""
CONVERT=seccomp-convert
WATCH=""
READY_FILE=""
SUBDIR=seccomp-hook

log() { printf 'install-profiles: %s\n' "$*" >&2; }
usage_error() {
  log "$*"
  log "usage: install-profiles.sh [--source DIR] [--root DIR] [--seccomp-dir PATH] [--arch ARCH] [--kernel X.Y] [--convert PATH] [--watch SECONDS] [--ready-file PATH]"
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --source | --root | --seccomp-dir | --arch | --kernel | --convert | --watch | --ready-file)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case "$1" in
        --source) SOURCE=$2 ;;
        --root) ROOT=$2 ;;
        --seccomp-dir) SECCOMP_DIR=$2 ;;
        --arch) ARCH=$2 ;;
        --kernel) KERNEL=$2 ;;
        --convert) CONVERT=$2 ;;
        --watch) WATCH=$2 ;;
        --ready-file) READY_FILE=$2 ;;
      esac
      shift 2
      ;;
    -h | --help)
      sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done

case "$WATCH" in
  "") ;;
  *[!0-9]* | 0) usage_error "--watch needs a whole number of seconds above 0, not \"$WATCH\"" ;;
esac
case "$SECCOMP_DIR" in
  /*) ;;
  *) usage_error "--seccomp-dir must be absolute (it is below --root): \"$SECCOMP_DIR\"" ;;
esac
command -v "$CONVERT" >/dev/null || usage_error "seccomp-convert not found: \"$CONVERT\""
[ -d "$SOURCE" ] || usage_error "no profile directory \"$SOURCE\""
[ -d "$ROOT" ] || usage_error "no root directory \"$ROOT\""

# The node's architecture in seccomp-convert's names (the container shares the node's kernel).
if [ -z "$ARCH" ]; then
  case "$(uname -m)" in
    x86_64 | amd64) ARCH=x86_64 ;;
    aarch64 | arm64) ARCH=aarch64 ;;
    armv6l | armv7l | armv8l) ARCH=arm ;;
    i386 | i486 | i586 | i686) ARCH=x86 ;;
    *) ARCH=$(uname -m) ;; # seccomp-convert names what it does not know
  esac
fi

DEST=${ROOT%/}$SECCOMP_DIR/$SUBDIR
STAGE=""
cleanup() { [ -z "$STAGE" ] || rm -rf "$STAGE"; }
trap cleanup EXIT

# A profile name must be a plain file name: it becomes part of a path and of Pod specs.
valid_name() {
  case "$1" in
    .* | *[!A-Za-z0-9._-]*) return 1 ;;
  esac
  return 0
}

# Write SRC to DIR/NAME atomically: a temporary file beside it, fsync, rename.
atomic_install() {
  local src=$1 dir=$2 name=$3 tmp
  tmp=$(mktemp "$dir/.$name.XXXXXX") || return 1
  if cat "$src" >"$tmp" && chmod 0644 "$tmp" && sync -- "$tmp" && mv -f -- "$tmp" "$dir/$name"; then
    return 0
  fi
  rm -f -- "$tmp"
  return 1
}

# One install round: stage and check everything, then write what changed.
install_once() {
  local src name flat out failed=0 changed=0 unchanged=0 removed=0 kernel_opt=()
  local names=()
  [ -z "$KERNEL" ] || kernel_opt=(--kernel "$KERNEL")
  cleanup
  STAGE=$(mktemp -d "${TMPDIR:-/tmp}/install-profiles.XXXXXX") || { log "mktemp failed"; return 1; }
  for src in "$SOURCE"/*.json; do
    [ -e "$src" ] || continue
    name=$(basename -- "$src")
    if ! valid_name "$name"; then
      log "$src: refused: a profile name may hold only letters, digits, '.', '_' and '-' and must not start with '.'"
      failed=1
      continue
    fi
    flat=$STAGE/$name
    if ! out=$("$CONVERT" check --arch "$ARCH" -- "$src" 2>&1); then
      log "$src: check for $ARCH failed:"
      printf '%s\n' "$out" | grep -v ': \(warning\|note\): ' >&2
      failed=1
      continue
    fi
    if ! out=$("$CONVERT" resolve --width-exact --arch "$ARCH" "${kernel_opt[@]}" -o "$flat" -- "$src" 2>&1); then
      log "$src: resolve for $ARCH failed: $out"
      failed=1
      continue
    fi
    if ! out=$("$CONVERT" check --arch "$ARCH" --input-format oci -- "$flat" 2>&1); then
      log "$src: the flattened profile fails its check for $ARCH:"
      printf '%s\n' "$out" | grep -v ': \(warning\|note\): ' >&2
      failed=1
      continue
    fi
    names+=("$name")
  done
  if [ "$failed" != 0 ]; then
    log "nothing installed: fix the profiles above ($DEST is unchanged)"
    return 1
  fi
  if [ ${#names[@]} = 0 ]; then
    log "no profiles (*.json) in $SOURCE: nothing installed ($DEST is unchanged)"
    return 1
  fi
  { mkdir -p -- "$DEST" && chmod 0755 -- "$DEST"; } || { log "cannot create $DEST"; return 1; }
  for name in "${names[@]}"; do
    if cmp -s -- "$STAGE/$name" "$DEST/$name"; then
      unchanged=$((unchanged + 1))
      continue
    fi
    if ! atomic_install "$STAGE/$name" "$DEST" "$name"; then
      log "writing $DEST/$name failed"
      return 1
    fi
    log "installed $DEST/$name ($ARCH)"
    changed=$((changed + 1))
  done
  # Profiles installed before whose source is gone (only *.json: nothing else is ours).
  for src in "$DEST"/*.json; do
    [ -e "$src" ] || continue
    name=$(basename -- "$src")
    [ -e "$STAGE/$name" ] && continue
    rm -f -- "$src" || { log "cannot remove $src"; return 1; }
    log "removed $src (no longer shipped)"
    removed=$((removed + 1))
  done
  sync -- "$DEST" || { log "fsync of $DEST failed"; return 1; }
  log "$DEST: $changed written, $unchanged unchanged, $removed removed (arch $ARCH)"
  return 0
}

install_once || exit 1
if [ -n "$READY_FILE" ]; then
  : >"$READY_FILE" || { log "cannot create $READY_FILE"; exit 1; }
fi
[ -n "$WATCH" ] || exit 0

SLEEP_PID=""
trap 'cleanup; [ -z "$SLEEP_PID" ] || kill "$SLEEP_PID" 2>/dev/null; exit 0' TERM INT
while :; do
  sleep "$WATCH" &
  SLEEP_PID=$!
  wait "$SLEEP_PID" || true
  SLEEP_PID=""
  install_once || log "keeping the installed profiles; retrying in $WATCH s"
done
