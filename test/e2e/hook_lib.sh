# shellcheck shell=bash disable=SC2034,SC2120  # globals read by the hook_*.sh tests; optional arguments
# Shared setup of the seccomp-hook end-to-end tests (hook_*.sh), on top of lib.sh: the
# hook binary, a profile directory, a hook config file, the deploy/ files with the build's
# paths substituted for the install paths, and bundles that carry the hook entries.
#
#   . "$(dirname "$0")/hook_lib.sh"
#   hook_init                       # e2e_init + profiles + $HOOK_CONFIG
#   hook_bundle runc deny13 probe 258 -100 0 0
#   hook_run runc wrapper c1        # seccomp-hook runtime ... -- runc run c1
#
# Profiles (Docker format, all allow by default and deny kexec_load with EPERM, which the
# policy's denySyscalls requires): "default" denies mkdir and mkdirat with EPERM, "deny13"
# with EACCES, "eN" with errno N; "broken" names a syscall that does not exist.
# The config selects "default" when a container asks for nothing, requires a profile,
# refuses unconfined containers and requests looser than the default, caches programs in
# $HOOK_CACHE, hands them to crun, and logs to $HOOK_LOG (refusals also go to stderr).
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOOK_BIN=""          # the seccomp-hook under test (SCC_HOOK_BIN)
HOOK_CONVERT=""      # seccomp-convert (SCC_CONVERT_BIN), for inspect
HOOK_PROFILES=""     # the profile directory
HOOK_CONFIG=""       # the hook config the bundles and hooks.d entries name
HOOK_CACHE=""        # its cacheDir
HOOK_LOG=""          # its log file
HOOK_DEPLOY=""       # the repository's deploy/ directory

hook_init() {
  e2e_init
  [ -n "${SCC_HOOK_BIN:-}" ] || e2e_die "SCC_HOOK_BIN is not set (CTest sets it to the built seccomp-hook)"
  [ -x "$SCC_HOOK_BIN" ] || e2e_die "SCC_HOOK_BIN=$SCC_HOOK_BIN is not executable"
  case "$SCC_HOOK_BIN" in /*) ;; *) e2e_die "SCC_HOOK_BIN must be an absolute path" ;; esac
  HOOK_BIN=$SCC_HOOK_BIN
  HOOK_CONVERT=${SCC_CONVERT_BIN:-}
  HOOK_DEPLOY=$(cd "$E2E_DIR/../../deploy" && pwd) || e2e_die "deploy/ is missing"
  [ "$(uname -m)" = x86_64 ] || e2e_skip "the hook tests' probes and messages are written for x86_64"
  HOOK_PROFILES=$E2E_TMP/profiles
  HOOK_CACHE=$E2E_TMP/cache
  HOOK_LOG=$E2E_TMP/hook.log
  HOOK_CONFIG=$E2E_TMP/config.json
  mkdir -p "$HOOK_PROFILES" "$E2E_TMP/kube"
  hook_write_profiles
  hook_write_config "$HOOK_CONFIG" '.'
}

# A profile NAME that denies mkdir and mkdirat with ERRNO (and kexec_load with EPERM).
hook_profile() {
  local name=$1 errno=$2
  cat >"$HOOK_PROFILES/$name.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "archMap": $(e2e_docker_archmap),
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": $errno},
  {"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
  chmod 644 "$HOOK_PROFILES/$name.json"
}

hook_write_profiles() {
  local n
  hook_profile default 1
  hook_profile deny13 13
  for n in 13 18 20 28 30; do hook_profile "e$n" "$n"; done
  # Line 2 column 26 is the misspelt name: the messages below say so.
  cat >"$HOOK_PROFILES/broken.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdri"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
EOF
  chmod 644 "$HOOK_PROFILES/broken.json"
}

# Write a hook config to PATH: the base config above, then the jq FILTER applied to it.
hook_write_config() {
  local path=$1 filter=$2
  jq -n --arg t "$E2E_TMP" "{profileDirs: [\$t + \"/profiles\"], defaultProfile: \"default\",
      kubernetesRoot: (\$t + \"/kube\"),
      policy: {requireProfile: true, refuseUnconfined: true, denySyscalls: [\"kexec_load\"],
               allowAnnotationLoosen: false},
      cacheDir: (\$t + \"/cache\"), crunHandover: true, deadlineMs: 4000,
      log: (\$t + \"/hook.log\")} | $filter" >"$path" || e2e_die "jq failed on the hook config"
  chmod 644 "$path"
}

# A deploy/ file with the build's paths in place of the install paths. CONFIG is the
# hook config to name (default $HOOK_CONFIG). Fails when the file does not name the
# install paths, so a test can never run a deploy file it did not really substitute.
hook_deploy() {
  local file=$HOOK_DEPLOY/$1 config=${2:-$HOOK_CONFIG} runc
  runc=$(command -v runc || echo /usr/sbin/runc)
  [ -f "$file" ] || e2e_die "deploy/$1 is missing"
  grep -q '/usr/bin/seccomp-hook' "$file" || e2e_die "deploy/$1 does not name /usr/bin/seccomp-hook"
  grep -q '/etc/seccomp-hook/config.json' "$file" || e2e_die "deploy/$1 does not name /etc/seccomp-hook/config.json"
  sed -e "s#/usr/bin/seccomp-hook#$HOOK_BIN#g" -e "s#/etc/seccomp-hook/config.json#$config#g" \
    -e "s#/usr/sbin/runc#$runc#g" "$file"
}

# A bundle (E2E_BUNDLE) whose config.json carries the hook entries of
# deploy/runc-crun/config-hooks.json, the annotation seccomp-hook.profile=PROFILE (none
# when ""), and run.oci.hooks.stderr (crun writes its hooks' stderr there; runc puts it in
# its own error). No linux.seccomp: the wrapper or the test adds one. ARGS: process.args.
# The snippet's runtime timeout is dropped: the hook's own deadline bounds it, and with a
# timeout crun 1.8.1 waits for a hook with sigtimedwait and a pid check, so when the
# container's SIGCHLD and the hook's coalesce (a container that exits while poststart runs)
# it misses the hook's exit and fails the run with "timeout expired" after the timeout.
# Without one it simply waits for the hook (deploy/README.md says so for crun users).
hook_bundle() {
  local profile=$1 hooks spec
  shift
  e2e_oci_bundle "" "$@"
  hooks=$(hook_deploy runc-crun/config-hooks.json) || exit 1
  spec=$(jq --argjson h "$hooks" --arg p "$profile" --arg err "$E2E_BUNDLE.hooks.err" '
      .hooks = ($h.hooks | map_values(map(del(.timeout))))
      | .annotations["run.oci.hooks.stderr"] = $err
      | if $p == "" then . else .annotations["seccomp-hook.profile"] = $p end' \
    "$E2E_BUNDLE/config.json") || e2e_die "jq on $E2E_BUNDLE/config.json failed"
  printf '%s\n' "$spec" >"$E2E_BUNDLE/config.json"
}

# Apply jq to the bundle's config.json: [JQ-OPTION...] FILTER.
hook_edit_bundle() {
  local spec
  spec=$(jq "$@" "$E2E_BUNDLE/config.json") || e2e_die "jq $* failed"
  printf '%s\n' "$spec" >"$E2E_BUNDLE/config.json"
}

# The runtime binary and state root for runc or crun (crun: the cgroup wrapper of lib.sh).
HOOK_RT_BIN=""
HOOK_RT_ROOT=""
hook_runtime() {
  case "$1" in
    runc) e2e_require_cmd runc; HOOK_RT_BIN=$(command -v runc); HOOK_RT_ROOT=$E2E_TMP/state-runc ;;
    crun) e2e_install_crun_wrapper; HOOK_RT_BIN=$E2E_CRUN; HOOK_RT_ROOT=$E2E_TMP/state-crun ;;
    *) e2e_die "unknown OCI runtime $1" ;;
  esac
}

# Run E2E_BUNDLE as container ID under RUNTIME (runc|crun), VIA the hook's runtime wrapper
# ("wrapper", which selects the profile) or the runtime alone ("direct", only the
# config's hook entries run). Extra arguments go to `run`; with -d the detached
# container's output goes to $E2E_BUNDLE.out (it would hold a captured pipe open).
hook_run() {
  local runtime=$1 via=$2 id=$3 cmd=()
  shift 3
  hook_runtime "$runtime"
  e2e_defer "$HOOK_RT_BIN --root $HOOK_RT_ROOT delete -f $id"
  cmd=("$HOOK_RT_BIN")
  if [ "$via" = wrapper ]; then
    cmd=("$HOOK_BIN" --config "$HOOK_CONFIG" runtime --runtime "$HOOK_RT_BIN" --runtime-name "$runtime" --)
  fi
  cmd+=(--root "$HOOK_RT_ROOT" run "$@" --bundle "$E2E_BUNDLE" "$id")
  if [ "${1:-}" = -d ]; then
    "${cmd[@]}" </dev/null >"$E2E_BUNDLE.out" 2>"$E2E_TMP/last.err" && E2E_RC=0 || E2E_RC=$?
    E2E_OUT=""
    return 0
  fi
  e2e_capture "${cmd[@]}"
}

# The line a failing hook printed, as the runtime reports it: runc quotes the hook's
# stderr in its own error message (last.err); crun writes it to run.oci.hooks.stderr.
hook_failed_line() {
  case "$1" in
    runc) sed -n 's/.*, stderr: \(.*\)\\n"$/\1/p' "$E2E_TMP/last.err" | sed 's/\\"/"/g' ;;
    crun) cat "$E2E_BUNDLE.hooks.err" 2>/dev/null ;;
  esac
}

# The log lines (without timestamp and pid) of MODE for container ID.
hook_log() {
  local mode=$1 id=$2
  sed -E 's/^[^ ]+ pid=[0-9]+ //' "$HOOK_LOG" 2>/dev/null | grep -F "seccomp-hook: $mode: container $id: " || true
}

# The same lines with the hex digests (file, key and program prefixes) replaced by H, so
# they can be compared exactly.
hook_log_masked() {
  hook_log "$@" | sed -E 's/(sha256|key) [0-9a-f]{12}/\1 H/g'
}

# hook_log_masked with the count of emulated calls as N as well.
hook_log_of() { hook_log_masked "$1" "$2" | sed -E 's/equivalent on [0-9]+ calls/equivalent on N calls/'; }

# The container id that `--cidfile "$E2E_TMP/NAME.cid"` wrote ("" when none).
hook_cid_of() { cat "$E2E_TMP/$1.cid" 2>/dev/null; }

# The state of a container as RUNTIME reports it ("" when it does not exist).
hook_status() {
  hook_runtime "$1"
  "$HOOK_RT_BIN" --root "$HOOK_RT_ROOT" state "$2" 2>/dev/null | jq -r .status 2>/dev/null || true
}

hook_pid() {
  hook_runtime "$1"
  "$HOOK_RT_BIN" --root "$HOOK_RT_ROOT" state "$2" 2>/dev/null | jq -r .pid 2>/dev/null || true
}

# A createRuntime hook (sh) that runs after ours: it saves its state (with the container's
# host pid) to STATE and changes linux.seccomp of the bundle's config.json, which the
# runtime has already read: mkdir and mkdirat get EPERM instead of EACCES, and the crun
# hand-over annotation goes, so the file now asks for a filter the container does not have.
hook_tamper_script() {
  local script=$E2E_TMP/tamper.sh jq
  jq=$(command -v jq)
  cat >"$script" <<EOF
#!/bin/sh
cat >"\$2"
$jq '.linux.seccomp.syscalls[0].errnoRet = 1 | del(.annotations["run.oci.seccomp_bpf_data"])' "\$1" >"\$1.new" &&
  exec /bin/mv "\$1.new" "\$1"
EOF
  chmod 755 "$script"
}

# Number of cache entries (*.bpf), and whether each is valid: "SCCBPF01", then
# SHA-256(key in hex || program), then whole 8-byte instructions. Prints one line per
# entry: "<key> ok <insns>" or "<key> BAD <why>".
hook_check_cache() {
  local dir=${1:-$HOOK_CACHE} f key size want got
  for f in "$dir"/*.bpf; do
    [ -e "$f" ] || continue
    key=$(basename "$f" .bpf)
    size=$(stat -c %s "$f")
    if [ "$size" -lt 48 ] || [ $(((size - 40) % 8)) -ne 0 ]; then
      echo "$key BAD size $size"
      continue
    fi
    if [ "$(head -c 8 "$f")" != SCCBPF01 ]; then
      echo "$key BAD magic"
      continue
    fi
    want=$(head -c 40 "$f" | tail -c 32 | od -An -tx1 -v | tr -d ' \n')
    got=$({ printf '%s' "$key"; tail -c +41 "$f"; } | sha256sum | cut -d' ' -f1)
    if [ "$want" != "$got" ]; then
      echo "$key BAD checksum"
      continue
    fi
    echo "$key ok $(((size - 40) / 8))"
  done
  # Decision entries (docs/hook.md, the decision cache): "SCCDEC01", SHA-256(key in hex ||
  # body), body. Only a bad one is printed, so the lines above stay the programs' list.
  for f in "$dir"/*.decision; do
    [ -e "$f" ] || continue
    key=$(basename "$f" .decision)
    want=$(head -c 40 "$f" | tail -c 32 | od -An -tx1 -v | tr -d ' \n')
    got=$({ printf '%s' "$key"; tail -c +41 "$f"; } | sha256sum | cut -d' ' -f1)
    [ "$(head -c 8 "$f")" = SCCDEC01 ] && [ "$want" = "$got" ] || echo "$key BAD decision entry"
  done
}

# Everything in the cache dir that is not an entry (temporary files, anything else).
hook_cache_others() {
  find "${1:-$HOOK_CACHE}" -mindepth 1 ! -name '*.bpf' ! -name '*.decision' -printf '%f\n' 2>/dev/null | sort
}

# The raw program of the hand-over annotation in the bundle's config.json, to FILE.
hook_handover_bytes() {
  jq -r '.annotations["run.oci.seccomp_bpf_data"] // empty' "$E2E_BUNDLE/config.json" | base64 -d >"$1"
}

# The state JSON a runtime would give a hook for container ID with PID and BUNDLE.
hook_state() {
  printf '{"ociVersion":"1.0.2","id":"%s","status":"%s","pid":%s,"bundle":"%s"}' "$1" "${4:-creating}" "$2" "$3"
}
