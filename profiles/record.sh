#!/bin/bash
# Regenerate the recorded application profiles with the project's recorder:
#
#   profiles/record.sh SECCOMP_CONVERT        (as root, on x86_64, from any directory)
#
# Each workload is a shell script (workload_script below, which test/e2e/shipped_profiles.sh
# sources and runs in its containers): a server started in the background (busybox httpd,
# or python3 -m http.server), a page fetched from it with busybox wget (retrying while it
# starts), the server killed. It runs under `seccomp-convert record --args` on the host,
# with the same static busybox (busybox-static) and python3 the containers use; the
# recorder adds the runtime baseline (what runc and crun do after loading the filter) and
# argument rules for clone, socket, personality, prctl and ioctl; clone3 gets ENOSYS
# (below). Writes profiles/busybox-httpd.json and profiles/python3-http-server.json
# atomically.

# workload_script SERVER PORT DIR TEXT: the script that writes TEXT to DIR/index.html,
# starts SERVER (a command line serving DIR on PORT) in the background, prints the page
# as busybox wget fetches it (retrying while the server starts) and kills the server.
# The shell's builtins aside, every command is a busybox applet called by name, so PATH
# does not matter (a container that mounts the host's /usr finds /usr/bin first).
workload_script() {
  local server=$1 port=$2 dir=$3 text=$4
  cat <<SH
busybox mkdir -p $dir && echo "$text" > $dir/index.html || exit 10
$server &
i=0
while [ \$i -lt 100 ]; do
  if busybox wget -q -O - http://127.0.0.1:$port/index.html 2>/dev/null; then kill \$! 2>/dev/null; exit 0; fi
  i=\$((i + 1)); busybox usleep 100000
done
echo "no answer from the server"; exit 11
SH
}

# The recorded workloads' servers: httpd_server PORT DIR, python_server PORT DIR.
httpd_server() { echo "busybox httpd -f -p 127.0.0.1:$1 -h $2"; }
python_server() { echo "/usr/bin/python3 -m http.server $1 --bind 127.0.0.1 --directory $2 2>/dev/null"; }

record_main() {
  set -euo pipefail
  convert=${1:?usage: profiles/record.sh SECCOMP_CONVERT}
  here=$(cd "$(dirname "$0")" && pwd)
  busybox=$(command -v busybox) || { echo "record.sh: busybox (busybox-static) is missing" >&2; exit 1; }
  [ -x /usr/bin/python3 ] || { echo "record.sh: /usr/bin/python3 is missing" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT

  # clone3 passes its flags in memory seccomp cannot read, so the profiles answer it
  # ENOSYS (as runtime-default does without CAP_SYS_ADMIN) and glibc falls back to clone,
  # whose flags the recorder turns into argument rules. The workload runs under that
  # answer (`seccomp-convert run`) so the recording holds the fallback's clone flags, and
  # the rule joins the recorded profile through --base.
  cat >"$tmp/clone3-enosys.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
JSON
  cat >"$tmp/base.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
 "syscalls": [{"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
   "comment": "glibc falls back to clone, whose flags are checked"}]}
JSON

  record busybox-httpd "$(httpd_server 18080 "$tmp/www")" 18080
  record python3-http-server "$(python_server 18081 "$tmp/www")" 18081
}

# record NAME SERVER PORT: record the workload into profiles/NAME.json.
record() {
  local name=$1 server=$2 port=$3
  "$convert" run --profile "$tmp/clone3-enosys.json" -- \
    "$convert" record --args --base "$tmp/base.json" -o "$here/$name.json" -- \
    "$busybox" sh -c "$(workload_script "$server" "$port" "$tmp/www" served)" >"$tmp/$name.out"
  grep -qx served "$tmp/$name.out" || { echo "record.sh: $name: the workload failed" >&2; exit 1; }
  echo "record.sh: wrote profiles/$name.json"
}

# Sourced (by the e2e test) it only defines the functions above.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then record_main "$@"; fi
