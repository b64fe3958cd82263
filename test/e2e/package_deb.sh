#!/bin/bash
# The Debian package end to end (cmake/Packaging.cmake): build it with cpack from the
# build tree, `dpkg -i` it, run seccomp-convert and a hooked runc container from the
# installed paths only (/usr/bin, the hooks.d entries in /usr/share/containers/oci/hooks.d,
# /etc/seccomp-hook/config.json, /usr/share/seccomp-hook/profiles), change the conffile,
# `dpkg -r` (only the changed conffile and its directory stay), then `dpkg --purge`
# (nothing stays). The machine is restored at exit whatever happens: the package is purged.
#
# It installs system-wide, so it refuses to run (skip, exit 77) where a seccomp-hook
# package, or any file or directory the package would create, is already there: a
# developer's own install is never touched. CTest runs it RUN_SERIAL.
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

PKG="seccomp-hook"
e2e_init
e2e_require_cmd dpkg dpkg-deb dpkg-query runc
BUILD=${SCC_BUILD_DIR:-}
CPACK=${SCC_CPACK:-cpack}
if [ -z "$BUILD" ] || [ ! -f "$BUILD/CPackConfig.cmake" ]; then
  e2e_die "SCC_BUILD_DIR must name a configured build tree (CTest sets it)"
fi
[ "$(uname -m)" = x86_64 ] || e2e_skip "the probe numbers below are for x86_64"

# The package's dpkg status (ii, rc, ...), or "none" when dpkg does not know it.
status_of() {
  local s
  s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null)
  case "$s" in
    "" | "un ") echo none ;;
    *) echo "$s" ;;
  esac
}
case "$(status_of)" in
  none) ;;
  *) e2e_skip "package $PKG is on this machine (status '$(status_of)'): not touching a developer's install" ;;
esac

# --- build the package ----------------------------------------------------------------------
e2e_capture "$CPACK" --config "$BUILD/CPackConfig.cmake" -B "$E2E_TMP/pkg"
[ "$E2E_RC" = 0 ] || e2e_die "cpack failed: $E2E_OUT $(cat "$E2E_TMP/last.err")"
DEB=$(find "$E2E_TMP/pkg" -maxdepth 1 -name "${PKG}_*.deb")
[ -f "$DEB" ] || e2e_die "cpack wrote no ${PKG}_*.deb: $E2E_OUT"
e2e_log "built $(basename "$DEB")"
e2e_expect "the package declares its conffile" "/etc/seccomp-hook/config.json" \
  "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles)"
depends=$(dpkg-deb -f "$DEB" Depends)
for lib in libseccomp2 libcap2 libyaml-cpp0.7 libc6 libstdc++6; do
  e2e_expect "Depends names $lib" 1 "$(tr ',' '\n' <<<"$depends" | grep -c "^ *$lib ")"
done

# Every path the package holds, and which of them exist before the install.
mapfile -t PATHS < <(dpkg-deb --fsys-tarfile "$DEB" | tar -t | sed -e 's#^\./#/#' -e 's#/$##' | grep -v '^/\?$' | sort -u)
NEW=()
for p in "${PATHS[@]}"; do
  if [ -e "$p" ] || [ -L "$p" ]; then
    [ -d "$p" ] || e2e_skip "$p exists already (a developer's install?): not overwriting it"
  else
    NEW+=("$p")
  fi
done
for p in /etc/seccomp-hook /var/cache/seccomp-hook; do
  [ ! -e "$p" ] || e2e_skip "$p exists already (a developer's install?): not touching it"
done

# Restore the machine at exit, whatever happened.
e2e_defer "dpkg --purge $PKG"

# Print the paths of NEW that exist now, one per line.
left_behind() {
  local p
  for p in "${NEW[@]}"; do
    if [ -e "$p" ] || [ -L "$p" ]; then echo "$p"; fi
  done
}

# --- install -----------------------------------------------------------------------------------
e2e_capture dpkg -i "$DEB"
e2e_expect "dpkg -i exits 0" 0 "$E2E_RC"
printf '%s\n' "--- dpkg -i" "$E2E_OUT"
e2e_expect "the package is installed" "ii " "$(status_of)"
e2e_expect "dpkg lists the conffile" "/etc/seccomp-hook/config.json" \
  "$(dpkg-query -W -f='${Conffiles}' "$PKG" | awk 'NF { print $1 }')"
e2e_expect "every path of the package is on the machine" "" \
  "$(for p in "${PATHS[@]}"; do [ -e "$p" ] || echo "$p"; done)"
e2e_expect "dpkg -L lists exactly the package's paths" "$(printf '%s\n' "${PATHS[@]}")" \
  "$(dpkg -L "$PKG" | grep -v '^/\.$' | sort -u)"

# The shipped deadline is 2 s; the build under test is usually Debug (-O0), whose poststart
# proof can take longer than that on a loaded 2-core machine. Raise it, staying below the
# hooks.d entries' 5 s timeout, as an administrator would (the file stays changed).
jq '.deadlineMs = 4500' /etc/seccomp-hook/config.json >"$E2E_TMP/slow.json" || e2e_die "jq on the config failed"
cat "$E2E_TMP/slow.json" >/etc/seccomp-hook/config.json
e2e_expect "the installed config is the package's, deadline aside" \
  "$(dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./etc/seccomp-hook/config.json | jq -S '.deadlineMs = 4500')" \
  "$(jq -S . /etc/seccomp-hook/config.json)"

# seccomp-convert from /usr/bin on the installed default profile.
e2e_capture /usr/bin/seccomp-convert check /usr/share/seccomp-hook/profiles/runtime-default.json
e2e_expect "installed seccomp-convert checks the installed runtime-default: exit 0" 0 "$E2E_RC"
e2e_expect "... with zero errors" 1 "$(grep -c '^0 errors, [0-9]* warnings\? in 1 file$' "$E2E_TMP/last.err")"
e2e_capture /usr/bin/seccomp-convert explain /usr/share/seccomp-hook/profiles/runtime-default.json clone3
e2e_expect "installed seccomp-convert explains clone3" 1 "$(grep -c 'ERRNO(38)' <<<"$E2E_OUT")"
e2e_expect "man finds seccomp-convert(1)" /usr/share/man/man1/seccomp-convert.1.gz "$(man -w seccomp-convert 2>/dev/null)"
e2e_expect "man finds seccomp-hook(8)" /usr/share/man/man8/seccomp-hook.8.gz "$(man -w 8 seccomp-hook 2>/dev/null)"

# The DaemonSet's command as the image runs it: the installed installer with its defaults
# (source /usr/share/seccomp-hook/profiles, seccomp-convert from PATH = /usr/bin).
mkdir -p "$E2E_TMP/node"
E2E_OUT=$(env PATH=/usr/bin:/bin /usr/libexec/seccomp-hook/install-profiles.sh --root "$E2E_TMP/node" 2>&1) &&
  E2E_RC=0 || E2E_RC=$?
e2e_expect "the installed install-profiles.sh with its defaults: exit 0" 0 "$E2E_RC"
e2e_expect "... installs every installed profile, flattened and width-exact" \
  "$(cd /usr/share/seccomp-hook/profiles && for p in *.json; do echo "$p $(/usr/bin/seccomp-convert resolve --width-exact "$p" 2>/dev/null | sha256sum)"; done)" \
  "$(cd "$E2E_TMP/node/var/lib/kubelet/seccomp/seccomp-hook" && for p in *.json; do echo "$p $(sha256sum <"$p")"; done)"

# --- a hooked runc container from the installed paths --------------------------------------------
# The hook entries are the installed hooks.d files' own `hook` objects (createRuntime and
# poststart); the profile is selected by the installed wrapper with the installed config
# (defaultProfile runtime-default from /usr/share/seccomp-hook/profiles).
HOOKS_D=/usr/share/containers/oci/hooks.d
RUNC=$(command -v runc)
NR_UNSHARE=272 CLONE_NEWUSER=0x10000000
hooked_bundle() {
  e2e_oci_bundle "" sh -c "probe $NR_UNSHARE $CLONE_NEWUSER; grep '^Seccomp:' /proc/self/status"
  spec=$(jq --slurpfile cr "$HOOKS_D/seccomp-hook-createruntime.json" \
    --slurpfile ps "$HOOKS_D/seccomp-hook-poststart.json" \
    '.hooks = {createRuntime: [$cr[0].hook], poststart: [$ps[0].hook]} | .annotations = {}' \
    "$E2E_BUNDLE/config.json") || e2e_die "jq on the bundle failed"
  printf '%s\n' "$spec" >"$E2E_BUNDLE/config.json"
}
run_hooked() {
  local id=scce-$$-$1
  e2e_defer "$RUNC --root $E2E_TMP/runc delete -f $id"
  e2e_capture /usr/bin/seccomp-hook runtime --runtime "$RUNC" -- --root "$E2E_TMP/runc" run --bundle "$E2E_BUNDLE" "$id"
}

e2e_oci_bundle "" probe "$NR_UNSHARE" "$CLONE_NEWUSER"
e2e_capture runc --root "$E2E_TMP/runc" run --bundle "$E2E_BUNDLE" "scce-$$-control"
e2e_expect "control, no seccomp: unshare(CLONE_NEWUSER) succeeds" "ok 0" "$E2E_OUT"

hooked_bundle
e2e_expect "the bundle runs the installed hook binary" "/usr/bin/seccomp-hook /usr/bin/seccomp-hook" \
  "$(jq -r '[.hooks.createRuntime[0].path, .hooks.poststart[0].path] | join(" ")' "$E2E_BUNDLE/config.json")"
run_hooked default
e2e_expect "hooked runc, default profile: exit 0" 0 "$E2E_RC"
e2e_expect "hooked runc, default profile: unshare denied, filter on" \
  "$(printf 'errno EPERM\nSeccomp:\t2')" "$E2E_OUT"
e2e_expect "the wrapper wrote runtime-default, resolved, into config.json" \
  '["SCMP_ACT_ERRNO",1,false]' \
  "$(jq -c '[.linux.seccomp.defaultAction, .linux.seccomp.defaultErrnoRet, (.linux.seccomp | has("archMap"))]' "$E2E_BUNDLE/config.json")"

hooked_bundle
jq '.annotations["seccomp-hook.profile"] = "no-such-profile"' "$E2E_BUNDLE/config.json" >"$E2E_TMP/c.json" &&
  mv "$E2E_TMP/c.json" "$E2E_BUNDLE/config.json"
run_hooked missing
e2e_expect "hooked runc, a missing profile: refused, exit 1" 1 "$E2E_RC"
e2e_expect "... naming the installed profile directories" 1 \
  "$(grep -c '/etc/seccomp-hook/profiles.*/usr/share/seccomp-hook/profiles' "$E2E_TMP/last.err")"
e2e_expect "... the container never ran" "" "$E2E_OUT"

# A profile of the administrator's in /etc/seccomp-hook/profiles (looked up first):
# runtime-default with mkdirat denied by EACCES, so provably stricter than the default
# and selectable by annotation. EACCES can only come from it (NULL path: EFAULT otherwise).
NR_MKDIRAT=258
ADMIN_PROFILE=/etc/seccomp-hook/profiles/e2e-deny13.json
e2e_defer "rm -f $ADMIN_PROFILE"
jq '.syscalls[0].names -= ["mkdirat"] | .syscalls += [{names: ["mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13}]' \
  /usr/share/seccomp-hook/profiles/runtime-default.json >"$ADMIN_PROFILE" || e2e_die "jq on runtime-default failed"
chmod 0644 "$ADMIN_PROFILE"
hooked_bundle
jq --arg n "$NR_MKDIRAT" '.annotations["seccomp-hook.profile"] = "e2e-deny13" | .process.args = ["probe", $n, "-100", "0", "0"]' \
  "$E2E_BUNDLE/config.json" >"$E2E_TMP/c.json" && mv "$E2E_TMP/c.json" "$E2E_BUNDLE/config.json"
run_hooked selected
e2e_expect "hooked runc, annotation e2e-deny13 (from /etc/seccomp-hook/profiles): mkdirat gets EACCES" \
  "errno EACCES" "$E2E_OUT"

# podman with the installed hooks.d directory (precreate, createRuntime, poststart), its
# storage and configuration private to this test (lib.sh).
e2e_podman_setup runc
PODMAN_CMD="probe $NR_MKDIRAT -100 0 0; probe $NR_UNSHARE $CLONE_NEWUSER"
e2e_capture podman --hooks-dir "$HOOKS_D" run --rm --annotation seccomp-hook.profile=e2e-deny13 \
  "localhost/$E2E_IMAGE:latest" sh -c "$PODMAN_CMD"
e2e_expect "podman with the installed hooks.d, annotation e2e-deny13" \
  "$(printf 'errno EACCES\nerrno EPERM')" "$E2E_OUT"
e2e_capture podman --hooks-dir "$HOOKS_D" run --rm "localhost/$E2E_IMAGE:latest" sh -c "$PODMAN_CMD"
e2e_expect "podman with the installed hooks.d, no annotation: runtime-default" \
  "$(printf 'errno EFAULT\nerrno EPERM')" "$E2E_OUT"
podman rm -a -f -t 0 >/dev/null 2>&1
rm -f "$ADMIN_PROFILE"

# --- change the conffile, remove ----------------------------------------------------------------
# The change: the program cache in /var/cache/seccomp-hook (the directory docs/hook.md
# suggests), which a hooked container then creates and the package's postrm removes.
jq '.cacheDir = "/var/cache/seccomp-hook"' /etc/seccomp-hook/config.json >"$E2E_TMP/changed.json" ||
  e2e_die "jq on the config failed"
cat "$E2E_TMP/changed.json" >/etc/seccomp-hook/config.json
e2e_defer "rm -rf /var/cache/seccomp-hook"
hooked_bundle
run_hooked cached
e2e_expect "hooked runc with the changed config: unshare denied" "$(printf 'errno EPERM\nSeccomp:\t2')" "$E2E_OUT"
e2e_expect "the hook created its cache directory" "700" "$(stat -c %a /var/cache/seccomp-hook 2>&1)"
e2e_capture dpkg -r "$PKG"
e2e_expect "dpkg -r exits 0" 0 "$E2E_RC"
printf '%s\n' "--- dpkg -r" "$E2E_OUT"
e2e_expect "after dpkg -r only the conffile is left" "rc " "$(status_of)"
e2e_expect "after dpkg -r nothing of the package is left but the changed conffile and its directory" \
  "$(printf '%s\n' /etc/seccomp-hook /etc/seccomp-hook/config.json)" "$(left_behind)"
e2e_expect "the changed conffile keeps the change" "$(cat "$E2E_TMP/changed.json")" "$(cat /etc/seccomp-hook/config.json)"
e2e_expect "dpkg -r removed the cache directory (postrm)" absent \
  "$([ -e /var/cache/seccomp-hook ] && echo present || echo absent)"

e2e_capture dpkg --purge "$PKG"
e2e_expect "dpkg --purge exits 0" 0 "$E2E_RC"
printf '%s\n' "--- dpkg --purge" "$E2E_OUT"
e2e_expect "after dpkg --purge the package is unknown" none "$(status_of)"
e2e_expect "after dpkg --purge nothing of the package is left" "" "$(left_behind)"
e2e_finish
