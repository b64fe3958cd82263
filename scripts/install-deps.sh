#!/bin/bash
# Install the Debian 12 packages the project builds and tests with (README "Dependencies"
# says why each is here). Idempotent: when every package is already installed it only asks
# dpkg and returns, without apt-get update. Needs root when something is missing.
set -euo pipefail

PACKAGES=(cmake g++ pkg-config libseccomp-dev nlohmann-json3-dev libcap-dev libcli11-dev
  doctest-dev libyaml-cpp-dev runc crun podman busybox-static strace jq python3-jsonschema python3-yaml
  python3 gcc libc6-dev clang libclang-rt-14-dev valgrind dpkg-dev file man-db)
# docker.io without its recommends (no cgroupfs-mount, git, ...): the tests start their own
# dockerd with its own data and socket.
PACKAGES_NO_RECOMMENDS=(docker.io)

# Print the packages of "$@" that dpkg does not list as installed.
missing() {
  local p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" = "ii " ] || echo "$p"
  done
}

# docker.io's postinst starts dockerd unless a policy-rc.d forbids it; on a machine without
# one (no init system to own the daemon) install one for the duration of the install.
with_services_held() {
  local policy=/usr/sbin/policy-rc.d
  if [ -e "$policy" ]; then
    "$@"
    return
  fi
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  "$@"
  rm -f "$policy"
  trap - EXIT
}

install_all() {
  local need=("$@")
  [ "$(id -u)" = 0 ] || { echo "install-deps: run as root to install: ${need[*]}" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  echo "install-deps: installing ${need[*]}"
  apt-get update -qq
  mapfile -t plain < <(missing "${PACKAGES[@]}")
  mapfile -t lean < <(missing "${PACKAGES_NO_RECOMMENDS[@]}")
  if [ ${#plain[@]} -gt 0 ]; then apt-get install -y -qq "${plain[@]}" >/dev/null; fi
  if [ ${#lean[@]} -gt 0 ]; then apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null; fi
}

mapfile -t need < <(missing "${PACKAGES[@]}" "${PACKAGES_NO_RECOMMENDS[@]}")
if [ ${#need[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]}+${#PACKAGES_NO_RECOMMENDS[@]} packages present"
  exit 0
fi
with_services_held install_all "${need[@]}"
left=$(missing "${PACKAGES[@]}" "${PACKAGES_NO_RECOMMENDS[@]}")
[ -z "$left" ] || { echo "install-deps: still missing after apt-get: $left" >&2; exit 1; }
echo "install-deps: done"
