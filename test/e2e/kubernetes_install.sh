#!/bin/bash
# The Kubernetes DaemonSet's installer (deploy/kubernetes/install-profiles.sh) against a
# temporary node root, then the installed profile under containerd's `ctr run
# --seccomp-profile`, which reads a file exactly as the CRI plugin reads a Pod's
# Localhost profile: as plain OCI linux.seccomp (runtimes.md section 4, "the Kubernetes
# path"). A private containerd (own root, state and socket in the temp dir) runs a busybox
# image built here from the harness rootfs; nothing is fetched from the network.
#
# Checks: every shipped profile is installed flat (no archMap, includes, excludes), equal
# to `seccomp-convert resolve` for this arch, mode 0644, no temporary files left; a second
# run writes nothing; a removed source is removed; a broken profile changes nothing and is
# named with its JSON pointer; the installed runtime-default denies unshare and mount with
# EPERM and clone3 with ENOSYS under containerd, while the same profile unflattened lets
# all three through (containerd drops includes.caps, so CAP_SYS_ADMIN's rule applies).
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

e2e_init
e2e_require_cmd containerd ctr
CONVERT=${SCC_CONVERT_BIN:-}
if [ -z "$CONVERT" ] || [ ! -x "$CONVERT" ]; then
  e2e_die "SCC_CONVERT_BIN is not set to seccomp-convert (CTest sets it)"
fi
export LC_ALL=C # one collation for globs and sort
REPO=$(cd "$E2E_DIR/../.." && pwd)
INSTALL=$REPO/deploy/kubernetes/install-profiles.sh
PROFILES=$REPO/profiles
ROOT=$E2E_TMP/node
DEST=$ROOT/var/lib/kubelet/seccomp/seccomp-hook
mkdir -p "$ROOT"

case "$(uname -m)" in
  x86_64) ARCH=x86_64 OCI_ARCH=amd64 NR_GETPID=39 NR_UNSHARE=272 NR_MOUNT=165 ;;
  aarch64) ARCH=aarch64 OCI_ARCH=arm64 NR_GETPID=172 NR_UNSHARE=97 NR_MOUNT=40 ;;
  *) e2e_skip "no syscall numbers for $(uname -m) in this test" ;;
esac
NR_CLONE3=435
CLONE_NEWUSER=0x10000000

# install-profiles.sh with the test's root and seccomp-convert; output in E2E_OUT (stderr).
run_install() {
  E2E_OUT=$(bash "$INSTALL" --root "$ROOT" --convert "$CONVERT" "$@" 2>&1) && E2E_RC=0 || E2E_RC=$?
}

# "name mode" of every entry of DEST, sorted.
dest_listing() { (cd "$DEST" && find . -mindepth 1 -printf '%P %m\n' | sort); }

# --- install into an empty root ----------------------------------------------------------
# As the DaemonSet runs it: uid 0 with no capabilities at all and no_new_privs (root owns
# the kubelet's directory, so writing there needs none).
SHIPPED=()
for p in "$PROFILES"/*.json; do [ -e "$p" ] && SHIPPED+=("$(basename "$p")"); done
[ ${#SHIPPED[@]} -ge 1 ] || e2e_die "no shipped profiles in $PROFILES"
e2e_require_cmd setpriv
E2E_OUT=$(setpriv --nnp --inh-caps=-all --bounding-set=-all -- bash "$INSTALL" --root "$ROOT" \
  --convert "$CONVERT" --source "$PROFILES" 2>&1) && E2E_RC=0 || E2E_RC=$?
e2e_expect "first install exits 0" 0 "$E2E_RC"
e2e_expect "first install summary" \
  "install-profiles: $DEST: ${#SHIPPED[@]} written, 0 unchanged, 0 removed (arch $ARCH)" \
  "$(tail -1 <<<"$E2E_OUT")"
e2e_expect "every shipped profile is installed, mode 0644, nothing else" \
  "$(printf '%s 644\n' "${SHIPPED[@]}")" "$(dest_listing)"
for p in "${SHIPPED[@]}"; do
  want=$("$CONVERT" resolve --width-exact --arch "$ARCH" "$PROFILES/$p" 2>/dev/null) || e2e_die "resolve $p failed"
  e2e_expect "$p is seccomp-convert resolve --width-exact's output" "$want" "$(cat "$DEST/$p")"
  e2e_expect "$p is flat (no archMap, includes, excludes)" false \
    "$(jq 'has("archMap") or any(.syscalls[]?; has("includes") or has("excludes"))' "$DEST/$p")"
done
e2e_expect "the directory is mode 0755" 755 "$(stat -c %a "$DEST")"

# --- another architecture: an aarch64 node -------------------------------------------------
ROOT_A64=$E2E_TMP/node-aarch64
mkdir -p "$ROOT_A64"
E2E_OUT=$(bash "$INSTALL" --root "$ROOT_A64" --convert "$CONVERT" --source "$PROFILES" --arch aarch64 2>&1) &&
  E2E_RC=0 || E2E_RC=$?
e2e_expect "--arch aarch64: exit 0" 0 "$E2E_RC"
A64=$ROOT_A64/var/lib/kubelet/seccomp/seccomp-hook
for p in "${SHIPPED[@]}"; do
  e2e_expect "--arch aarch64: $p is resolve --arch aarch64's output" \
    "$("$CONVERT" resolve --width-exact --arch aarch64 "$PROFILES/$p" 2>/dev/null)" "$(cat "$A64/$p")"
done
e2e_expect "--arch aarch64: runtime-default targets aarch64 first" SCMP_ARCH_AARCH64 \
  "$(jq -r '.architectures[0]' "$A64/runtime-default.json")"

# --- a second run writes nothing ----------------------------------------------------------
inode_before=$(stat -c %i "$DEST/runtime-default.json")
run_install --source "$PROFILES"
e2e_expect "second install exits 0" 0 "$E2E_RC"
e2e_expect "second install writes nothing" \
  "install-profiles: $DEST: 0 written, ${#SHIPPED[@]} unchanged, 0 removed (arch $ARCH)" "$E2E_OUT"
e2e_expect "an unchanged profile keeps its file" "$inode_before" "$(stat -c %i "$DEST/runtime-default.json")"

# --- a broken profile: nothing changes ------------------------------------------------------
SRC=$E2E_TMP/src
mkdir -p "$SRC"
cp "$PROFILES"/*.json "$SRC/"
jq '.syscalls[0].action = "SCMP_ACT_NOPE"' "$PROFILES/runtime-default.json" >"$SRC/runtime-default.json"
echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}' >"$SRC/extra.json"
listing_before=$(dest_listing)
sum_before=$(cat "$DEST"/*.json | sha256sum)
run_install --source "$SRC"
e2e_expect "a broken profile: exit 1" 1 "$E2E_RC"
e2e_expect "a broken profile: the error names file and pointer" 1 \
  "$(grep -c "^$SRC/runtime-default.json: /syscalls/0/action: error: " <<<"$E2E_OUT")"
e2e_expect "a broken profile: the last line says nothing was installed" \
  "install-profiles: nothing installed: fix the profiles above ($DEST is unchanged)" "$(tail -1 <<<"$E2E_OUT")"
e2e_expect "a broken profile: the directory is unchanged" "$listing_before" "$(dest_listing)"
e2e_expect "a broken profile: the files are unchanged" "$sum_before" "$(cat "$DEST"/*.json | sha256sum)"

# --- a removed source is removed; a new one is added ----------------------------------------
cp "$PROFILES/runtime-default.json" "$SRC/runtime-default.json"
rm -f "$SRC/strict.json"
run_install --source "$SRC"
e2e_expect "source changes: exit 0" 0 "$E2E_RC"
e2e_expect "source changes: extra.json added, strict.json removed" \
  "install-profiles: $DEST: 1 written, $(( ${#SHIPPED[@]} - 1 )) unchanged, 1 removed (arch $ARCH)" \
  "$(tail -1 <<<"$E2E_OUT")"
e2e_expect "source changes: the removal is reported" 1 \
  "$(grep -c "^install-profiles: removed $DEST/strict.json (no longer shipped)$" <<<"$E2E_OUT")"
[ -e "$DEST/strict.json" ] && e2e_expect "strict.json is gone" absent present
run_install --source "$PROFILES"
e2e_expect "reinstalling the shipped set: exit 0" 0 "$E2E_RC"
e2e_expect "reinstalling the shipped set: the listing is back" \
  "$(printf '%s 644\n' "${SHIPPED[@]}")" "$(dest_listing)"

# --- --watch: the DaemonSet's loop -----------------------------------------------------------
# Ready after the first round; a profile added to the source appears within a round or
# two; SIGTERM ends it with status 0.
READY=$E2E_TMP/ready
cp "$PROFILES"/*.json "$SRC/"
bash "$INSTALL" --root "$ROOT" --convert "$CONVERT" --source "$SRC" --watch 1 --ready-file "$READY" \
  2>"$E2E_TMP/watch.log" &
WATCH_PID=$!
e2e_defer "kill $WATCH_PID"
for ((i = 0; i < 100; i++)); do [ -e "$READY" ] && break; sleep 0.1; done
e2e_expect "--watch: the ready file appears after the first install" present "$([ -e "$READY" ] && echo present)"
cp "$SRC/strict.json" "$SRC/strict2.json"
for ((i = 0; i < 50; i++)); do [ -e "$DEST/strict2.json" ] && break; sleep 0.1; done
e2e_expect "--watch: a profile added to the source is installed" "$(cat "$DEST/strict.json")" \
  "$(cat "$DEST/strict2.json" 2>&1)"
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" && rc=0 || rc=$?
e2e_expect "--watch: SIGTERM ends it with status 0" 0 "$rc"
rm -f "$SRC/strict2.json"
run_install --source "$PROFILES"
e2e_expect "after --watch: the shipped set again" "$(printf '%s 644\n' "${SHIPPED[@]}")" "$(dest_listing)"

# --- usage errors ---------------------------------------------------------------------------
run_install --source "$PROFILES" --watch 0
e2e_expect "--watch 0 is a usage error" 2 "$E2E_RC"
run_install --source "$PROFILES" --seccomp-dir relative
e2e_expect "a relative --seccomp-dir is a usage error" \
  "2 install-profiles: --seccomp-dir must be absolute (it is below --root): \"relative\"" \
  "$E2E_RC $(head -1 <<<"$E2E_OUT")"

# --- containerd ------------------------------------------------------------------------------
# A private containerd: its own root, state and sockets below the temp dir, no CRI plugin.
CD=$E2E_TMP/cd
mkdir -p "$CD"
cat >"$CD/config.toml" <<EOF
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.tracing",
  "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$CD/c.sock"
[ttrpc]
  address = "$CD/c.sock.ttrpc"
[debug]
  address = "$CD/d.sock"
EOF
NS=scc-e2e-$$
IMAGE=docker.io/library/scc-e2e-busybox:latest
CTR=(ctr -a "$CD/c.sock")
containerd --config "$CD/config.toml" >"$CD/containerd.log" 2>&1 &
CONTAINERD_PID=$!

# Remove what this test made in its namespace (containers, image, snapshots, content)
# and the namespace itself.
ctr_cleanup() {
  local k
  "${CTR[@]}" -n "$NS" containers ls -q 2>/dev/null | while read -r k; do
    "${CTR[@]}" -n "$NS" tasks kill -s KILL "$k"
    "${CTR[@]}" -n "$NS" containers rm "$k"
  done
  "${CTR[@]}" -n "$NS" images rm --sync "$IMAGE" >/dev/null 2>&1
  "${CTR[@]}" -n "$NS" snapshots --snapshotter native ls 2>/dev/null | awk 'NR > 1 { print $1 }' |
    while read -r k; do "${CTR[@]}" -n "$NS" snapshots --snapshotter native rm "$k"; done
  "${CTR[@]}" -n "$NS" content ls -q 2>/dev/null | xargs -r "${CTR[@]}" -n "$NS" content rm
  "${CTR[@]}" namespaces rm "$NS" >/dev/null 2>&1 || e2e_log "containerd namespace $NS was not empty"
}
# Clean up, then stop the containerd this test started.
# shellcheck disable=SC2317  # run by the EXIT trap (e2e_defer)
stop_containerd() {
  ctr_cleanup
  kill -TERM "$CONTAINERD_PID" 2>/dev/null
  wait "$CONTAINERD_PID" 2>/dev/null
}
e2e_defer stop_containerd
for ((i = 0; i < 100; i++)); do
  "${CTR[@]}" version >/dev/null 2>&1 && break
  kill -0 "$CONTAINERD_PID" 2>/dev/null || e2e_die "containerd exited: $(tail -5 "$CD/containerd.log")"
  sleep 0.1
done
[ "$i" -lt 100 ] || e2e_die "containerd not ready after 10 s: $(tail -5 "$CD/containerd.log")"

# The harness rootfs (busybox and the probe) as a one-layer OCI image archive.
make_oci_archive() {
  local o=$E2E_TMP/oci b l c m
  e2e_build_rootfs_tar
  mkdir -p "$o/blobs/sha256"
  b=$o/blobs/sha256
  l=$(sha256sum <"$E2E_ROOTFS_TAR" | cut -d' ' -f1)
  cp "$E2E_ROOTFS_TAR" "$b/$l"
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$OCI_ARCH" "$l" >"$E2E_TMP/cfg"
  c=$(sha256sum <"$E2E_TMP/cfg" | cut -d' ' -f1)
  mv "$E2E_TMP/cfg" "$b/$c"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$c" "$(stat -c %s "$b/$c")" "$l" "$(stat -c %s "$b/$l")" >"$E2E_TMP/man"
  m=$(sha256sum <"$E2E_TMP/man" | cut -d' ' -f1)
  mv "$E2E_TMP/man" "$b/$m"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s"}}]}' \
    "$m" "$(stat -c %s "$b/$m")" "$IMAGE" >"$o/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$o/oci-layout"
  tar -C "$o" -cf "$E2E_TMP/image.tar" . || e2e_die "tar of the OCI layout failed"
}
make_oci_archive
e2e_capture "${CTR[@]}" -n "$NS" images import --snapshotter native "$E2E_TMP/image.tar"
[ "$E2E_RC" = 0 ] || e2e_die "ctr images import failed: $(cat "$E2E_TMP/last.err")"

# ctr run PROFILE probe ARGS...: the probe's line in E2E_OUT.
SEQ=0
ctr_probe() {
  local profile=$1
  shift
  SEQ=$((SEQ + 1))
  e2e_capture "${CTR[@]}" -n "$NS" run --rm --snapshotter native --seccomp --seccomp-profile "$profile" \
    "$IMAGE" "scce-$$-$SEQ" /bin/probe "$@"
}

FLAT=$DEST/runtime-default.json
RAW=$PROFILES/runtime-default.json
ctr_probe "$FLAT" "$NR_GETPID"
e2e_expect "containerd, installed runtime-default: getpid is allowed" "ok 1" "$E2E_OUT"
ctr_probe "$FLAT" "$NR_UNSHARE" "$CLONE_NEWUSER"
e2e_expect "containerd, installed runtime-default: unshare(CLONE_NEWUSER) is denied" "errno EPERM" "$E2E_OUT"
ctr_probe "$FLAT" "$NR_MOUNT" 0 0 0 0 0
e2e_expect "containerd, installed runtime-default: mount is denied" "errno EPERM" "$E2E_OUT"
ctr_probe "$FLAT" "$NR_CLONE3" 0 0
e2e_expect "containerd, installed runtime-default: clone3 gets ENOSYS" "errno ENOSYS" "$E2E_OUT"

# Why the DaemonSet flattens: containerd reads the Docker profile as plain OCI, drops
# includes.caps, and the CAP_SYS_ADMIN rule allows these for every container.
ctr_probe "$RAW" "$NR_UNSHARE" "$CLONE_NEWUSER"
e2e_expect "containerd, unflattened runtime-default: unshare(CLONE_NEWUSER) gets through" "ok 0" "$E2E_OUT"
ctr_probe "$RAW" "$NR_MOUNT" 0 0 0 0 0
e2e_expect "containerd, unflattened runtime-default: mount gets through to the kernel" "errno EFAULT" "$E2E_OUT"
ctr_probe "$RAW" "$NR_CLONE3" 0 0
e2e_expect "containerd, unflattened runtime-default: clone3 gets through to the kernel" "errno EINVAL" "$E2E_OUT"

# The example Pod's command (examples/pod-busybox-httpd.yaml) under the installed recorded
# profile, as containerd loads it: httpd serves a page that wget fetches.
if [ -e "$DEST/busybox-httpd.json" ] && [ "$ARCH" = x86_64 ]; then
  httpd_cmd=$(python3 -c 'import sys, yaml; print(" ".join(yaml.safe_load(open(sys.argv[1]))["spec"]["containers"][0]["command"]))' \
    "$REPO/deploy/kubernetes/examples/pod-busybox-httpd.yaml") || e2e_die "cannot read the example Pod"
  SEQ=$((SEQ + 1))
  e2e_capture "${CTR[@]}" -n "$NS" run --rm --snapshotter native --seccomp \
    --seccomp-profile "$DEST/busybox-httpd.json" "$IMAGE" "scce-$$-$SEQ" sh -c "
      echo served > /tmp/index.html; $httpd_cmd & i=0
      while [ \$i -lt 50 ]; do busybox wget -q -O - http://127.0.0.1:8080/index.html && break; i=\$((i + 1)); busybox usleep 100000; done
      kill \$!"
  e2e_expect "containerd, installed busybox-httpd: the example Pod's httpd serves a page" served "$E2E_OUT"
fi

ctr_cleanup
e2e_expect "containerd: the test's namespace is removed" "" "$("${CTR[@]}" namespaces ls -q | grep -x "$NS")"
e2e_finish
