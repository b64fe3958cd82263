#!/bin/bash
# 50 containers started at once with runc through the seccomp-hook wrapper, each with the
# createRuntime and poststart entries of deploy/runc-crun/config-hooks.json, all sharing
# one program cache that starts empty:
#
#   hook_concurrent.sh same    all 50 ask for profile e13 (mkdirat -> EACCES)
#   hook_concurrent.sh mixed   container i asks for one of 5 profiles (errnos 13 18 20 28 30)
#
# The containers' cache writes happen in createRuntime, spread out by the runtime's own
# start-up; a second round then runs 50 precreate hooks for crun (which compile for the
# hand-over) at once on an empty cache, so that writers of one key really race.
#
# Every container's probe must get its own profile's errno, every hook must allow it, and
# the cache must end with exactly one valid entry per distinct profile (all containers have
# the same target arches), no temporary files, and entries the hook then loads (a hit).
# shellcheck source=hook_lib.sh source-path=SCRIPTDIR disable=SC2016  # jq filters
. "$(dirname "$0")/hook_lib.sh"

COUNT=50
DIR=""

errno_name() {
  case "$1" in
    13) echo EACCES ;; 18) echo EXDEV ;; 20) echo ENOTDIR ;; 28) echo ENOSPC ;; 30) echo EROFS ;;
  esac
}

# The bundles c-0 .. c-49 in $DIR, copies of one template with their own annotation and
# hooks' stderr file; the hook config's deadline raised so that a loaded machine tests
# concurrency, not speed (hook_bundle's hooks carry no runtime timeout: the deadline bounds them).
make_bundles() {
  local errnos=("$@") i e
  hook_write_config "$HOOK_CONFIG" '.deadlineMs = 30000'
  hook_bundle e13 probe 258 -100 0 0
  DIR=$E2E_TMP/c
  mkdir -p "$DIR"
  for ((i = 0; i < COUNT; i++)); do
    e=${errnos[i % ${#errnos[@]}]}
    mkdir "$DIR/c-$i"
    jq --arg p "e$e" --arg err "$DIR/c-$i.hooks.err" --arg h "c-$i" '.hostname = $h
      | .annotations["seccomp-hook.profile"] = $p | .annotations["run.oci.hooks.stderr"] = $err' \
      "$E2E_BUNDLE/config.json" >"$DIR/c-$i/config.json" || e2e_die "jq failed"
    echo "c-$i e$e" >>"$DIR/expected-profiles"
  done
}

# One start: the wrapper execs runc run; output, stderr and status per container.
write_starter() {
  local runc
  runc=$(command -v runc)
  cat >"$DIR/start.sh" <<EOF
#!/bin/sh
"$HOOK_BIN" --config "$HOOK_CONFIG" runtime --runtime "$runc" --runtime-name runc -- \\
  --root "$E2E_TMP/state-runc" run --bundle "$DIR/\$1" "\$1" <"/dev/null" >"$DIR/\$1.out" 2>"$DIR/\$1.err"
echo \$? >"$DIR/\$1.rc"
EOF
  chmod 755 "$DIR/start.sh"
}

start_all() {
  local i start end
  for ((i = 0; i < COUNT; i++)); do e2e_defer "runc --root $E2E_TMP/state-runc delete -f c-$i"; done
  start=$(date +%s%N)
  for ((i = 0; i < COUNT; i++)); do echo "c-$i"; done | xargs -P "$COUNT" -n 1 "$DIR/start.sh"
  end=$(date +%s%N)
  e2e_log "$COUNT concurrent starts took $(((end - start) / 1000000)) ms"
}

check_results() {
  local errnos=("$@") i e want="" got="" n key_pairs entries
  n=${#errnos[@]}
  for ((i = 0; i < COUNT; i++)); do
    e=${errnos[i % n]}
    want+="c-$i 0 errno $(errno_name "$e")"$'\n'
    got+="c-$i $(cat "$DIR/c-$i.rc" 2>/dev/null) $(cat "$DIR/c-$i.out" 2>/dev/null)"$'\n'
  done
  e2e_expect "$COUNT concurrent containers: each probe got its own profile's errno, each exit 0" "$want" "$got"
  e2e_expect "$COUNT concurrent containers: no refusal and no hook failure" "" \
    "$(grep -h -e refused -e 'error running hook' "$HOOK_LOG" "$DIR"/*.err 2>/dev/null)"
  e2e_expect "$COUNT concurrent containers: the wrapper and createRuntime allowed each one" \
    "$COUNT $COUNT" \
    "$(grep -c 'runtime: container c-[0-9]*: profile "e[0-9]*" (annotation): applied' "$HOOK_LOG") $(grep -c 'createRuntime: container c-[0-9]*: .*allowed' "$HOOK_LOG")"
  e2e_log "createRuntime: $(grep -c 'createRuntime: .*(cache miss' "$HOOK_LOG") compiled and stored (racing writers), $(grep -c 'createRuntime: .*(cache hit' "$HOOK_LOG") cache hits; poststart: $(grep -c 'poststart: .*attested' "$HOOK_LOG") attested, $(grep -c 'poststart: .*already exited' "$HOOK_LOG") found the probe already done"
  e2e_expect "$COUNT concurrent containers: none left behind" "" \
    "$(runc --root "$E2E_TMP/state-runc" list -q 2>/dev/null)"

  # The cache: one valid entry per profile, and the key createRuntime used for each
  # profile is that entry's (pairs profile -> key prefix, from the log).
  entries=$(hook_check_cache)
  e2e_expect "cache: $n valid entries, nothing else" "$n ok" \
    "$(awk '{c++; if ($2 != "ok") bad = 1} END {print c + 0, (bad ? "BAD" : "ok")}' <<<"$entries")$(hook_cache_others | sed 's/^/ other: /')"
  key_pairs=$(sed -n -E 's/.*createRuntime: container c-[0-9]+: profile "(e[0-9]+)" .*key ([0-9a-f]{12}).*/\1 \2/p' "$HOOK_LOG" | sort -u)
  e2e_expect "cache: each profile was checked against one key, each key is an entry's" \
    "$(printf 'e%s\n' "${errnos[@]}" | sort -u | tr '\n' ' ') | $(cut -c1-12 <<<"$entries" | sort | tr '\n' ' ')" \
    "$(cut -d' ' -f1 <<<"$key_pairs" | tr '\n' ' ') | $(cut -d' ' -f2 <<<"$key_pairs" | sort | tr '\n' ' ')"
  e2e_expect "cache: $n different programs" "$n" \
    "$(for f in "$HOOK_CACHE"/*.bpf; do tail -c +41 "$f" | sha256sum; done | sort -u | wc -l)"

  # The hook's own verification: precreate for each profile now loads its entry.
  for e in $(printf '%s\n' "${errnos[@]}" | sort -u); do
    hook_bundle "e$e" true
    hook_edit_bundle --arg h "verify-e$e" '.hostname = $h'
    "$HOOK_BIN" --config "$HOOK_CONFIG" precreate --runtime-name crun <"$E2E_BUNDLE/config.json" >/dev/null 2>&1
    e2e_expect "cache: profile e$e is a verified hit afterwards" \
      "seccomp-hook: precreate: container ? (hostname verify-e$e): profile \"e$e\" (annotation): applied: linux.seccomp from $HOOK_PROFILES/e$e.json (sha256 H, 2 rules); BPF handed to crun (cache hit, key H, program sha256 H)" \
      "$(hook_log_masked precreate "? (hostname verify-e$e)")"
  done
}

# Round two: 50 precreate --runtime-name crun at once on an empty cache. Each output must
# hand over exactly the program of its own profile (the entries of round one, kept in
# $E2E_TMP/ref), and the cache must end with the same entries, byte for byte.
race_writers() {
  local errnos=("$@") i e n want="" got=""
  n=${#errnos[@]}
  mkdir -p "$E2E_TMP/ref"
  cp "$HOOK_CACHE"/*.bpf "$E2E_TMP/ref/"
  rm -f "$HOOK_CACHE"/*.bpf
  cat >"$DIR/precreate.sh" <<EOF
#!/bin/sh
"$HOOK_BIN" --config "$HOOK_CONFIG" precreate --runtime-name crun <"$DIR/\$1/config.json" >"$DIR/\$1.pre.json" 2>"$DIR/\$1.pre.err"
echo \$? >"$DIR/\$1.pre.rc"
EOF
  chmod 755 "$DIR/precreate.sh"
  for ((i = 0; i < COUNT; i++)); do echo "c-$i"; done | xargs -P "$COUNT" -n 1 "$DIR/precreate.sh"
  for ((i = 0; i < COUNT; i++)); do
    e=${errnos[i % n]}
    want+="c-$i 0 e$e"$'\n'
    got+="c-$i $(cat "$DIR/c-$i.pre.rc") $(program_owner "$DIR/c-$i.pre.json")"$'\n'
  done
  e2e_log "precreate race: $(grep -c 'precreate: container ? (hostname c-.*(cache miss' "$HOOK_LOG") compiled and stored, $(grep -c 'precreate: container ? (hostname c-.*(cache hit' "$HOOK_LOG") hits"
  e2e_expect "$COUNT concurrent precreate: each handed over its own profile's program" "$want" "$got"
  e2e_expect "$COUNT concurrent precreate: the cache holds the same entries, byte for byte" \
    "$(cd "$E2E_TMP/ref" && for f in *.bpf; do echo "$f $(sha256sum <"$f")"; done)" \
    "$(cd "$HOOK_CACHE" && for f in *.bpf; do echo "$f $(sha256sum <"$f")"; done)$(hook_cache_others | sed 's/^/ other: /')"
}

# The profile (eN) whose round-one entry holds the program handed over in CONFIG.
program_owner() {
  local program f
  program=$(jq -r '.annotations["run.oci.seccomp_bpf_data"] // empty' "$1" 2>/dev/null | base64 -d | sha256sum)
  for f in "$E2E_TMP/ref"/*.bpf; do
    if [ "$(tail -c +41 "$f" | sha256sum)" = "$program" ]; then
      sed -n -E "s/.*createRuntime: container c-[0-9]+: profile \"(e[0-9]+)\" .*key $(basename "$f" | cut -c1-12).*/\1/p" \
        "$HOOK_LOG" | sort -u
      return
    fi
  done
  echo "no profile's program"
}

main() {
  local errnos
  case "${1:?usage: hook_concurrent.sh same|mixed}" in
    same) errnos=(13) ;;
    mixed) errnos=(13 18 20 28 30) ;;
    *) e2e_die "unknown variant $1" ;;
  esac
  hook_init
  e2e_require_cmd runc
  make_bundles "${errnos[@]}"
  write_starter
  start_all
  check_results "${errnos[@]}"
  race_writers "${errnos[@]}"
  e2e_finish
}

main "$@"
