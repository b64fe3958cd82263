// Cached policy decisions, so that a warm container start parses, resolves,
// validates, proves and compiles nothing (issue 4, start latency). The
// runtime wrapper (a rewrite) and createRuntime (an enforcement) look up the
// decision for a container before doing any of that work, and store it after
// deciding anew; refusals are never stored.
//
// Key: SHA-256 over a canonical, length-prefixed encoding (key_encoder.hpp)
// of everything a decision depends on:
//  - a format tag and the purpose (rewrite, enforce);
//  - the tool version, libseccomp's version, and the identity
//    of the running binary (device, inode, size, mtime and ctime of
//    /proc/self/exe): a new or rebuilt hook never sees an old decision;
//  - the hook config's fields that decide (profileDirs, defaultProfile,
//    kubernetesRoot, the policy, crunHandover);
//  - the running kernel's release and build (uname), the native arch (what profiles are
//    resolved for), and the container's bounding set;
//  - the selection (source and name), and for every profile the decision
//    reads (consulted_profiles) the file found for it by the same safe
//    lookup (find_profile: openat2 beneath the directory, ownership and mode
//    checks) and the SHA-256 of its bytes;
//  - whether the runtime is crun (rewrite), the container's /linux/seccomp as
//    written in config.json (or its absence), and every run.oci.seccomp* annotation.
// So a profile edited, added earlier in profileDirs, or made unsafe, another
// hook config, capability set, kernel or binary: another key (or no key, when
// a profile cannot be found; the slow path then reports why).
//
// Entry: <cacheDir>/<key>.decision = "SCCDEC01" + SHA-256(key || body) +
// body, in the cache directory of program_cache.hpp (root, 0700; same
// atomic stores). The body holds what replaying needs: for a rewrite how
// /linux/seccomp changes (kept, replaced by the given JSON, removed) and the
// hand-over BPF as base64; for both the log line and the warnings logged when
// the decision was made. An entry that fails its checksum is a warning and
// counts as none. Like program entries, decisions are trusted only as far as
// the cache directory is: root's alone.
//
// poststart (an attestation) never uses the program cache: it compiles the
// expected program in memory. Its verdicts are keyed on the decision key of
// its inputs and on the bytes of the live filters it dumped
// (attestation_key), so an altered program (a tampered program entry handed
// to crun, a filter changed under the runtime) never finds a verdict and is
// compared in full; only a verdict entry forged in the cache directory could
// skip that, as a forged decision could skip createRuntime's check.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "scc/bpf.hpp"
#include "scc/config_rewrite.hpp"
#include "scc/container_config.hpp"
#include "scc/diagnostics.hpp"
#include "scc/hook_config.hpp"

namespace scc {

enum class DecisionPurpose { Rewrite, Enforce, Attest };

struct CachedDecision {
  enum class Seccomp { Keep, Replace, Remove };
  Seccomp seccomp = Seccomp::Keep;      // rewrite: what happens to /linux/seccomp
  std::string seccomp_json;             // Replace: the new /linux/seccomp, compact JSON
  std::optional<std::string> handover;  // rewrite: run.oci.seccomp_bpf_data to set
  std::string log_line;                 // the info line of the decision
  Diagnostics warnings;                 // the warnings logged with it
};

// The replayable part of a rewrite decided anew: how /linux/seccomp changed
// and the hand-over; the caller adds the log line and warnings.
CachedDecision rewrite_decision(const RewriteOutcome& outcome);

// The key for deciding about `container` (parsed with SeccompReading::
// ShapeOnly is enough); nullopt when there is no cache directory, or the
// selection or a consulted profile cannot be read (decide() reports that).
std::optional<std::string> decision_cache_key(DecisionPurpose purpose, const HookConfig& config,
                                              const ContainerConfig& container, bool runtime_is_crun,
                                              std::string_view tool_version);

// The key of an attestation verdict: `decision_key` (DecisionPurpose::Attest)
// and every live filter's instructions, in order.
std::string attestation_key(std::string_view decision_key, std::span<const bpf::Program> live);

// The stored decision for `key`, or nullopt: none, the cache directory is
// unusable (program_cache.hpp warns about that), or the entry is invalid (a
// CacheEntryInvalid warning in `diagnostics`).
std::optional<CachedDecision> load_decision(const HookConfig& config, const std::string& key,
                                            Diagnostics& diagnostics);

// Store `decision` under `key`; quietly nothing when the cache cannot be
// written (the program cache reports that).
void store_decision(const HookConfig& config, const std::string& key, const CachedDecision& decision);

// The bytes of an entry and the decision back out of them (CacheEntryInvalid
// errors for a wrong size, magic, checksum or layout).
std::string encode_decision(std::string_view key, const CachedDecision& decision);
Result<CachedDecision> decode_decision(std::string_view key, std::string_view bytes);

// The config.json a rewrite decision makes of `container` (parsed from
// `config_json`): byte for byte what rewrite_config() writes. nullopt when it
// cannot be spliced (the slow path then decides).
std::optional<std::string> apply_decision(const ContainerConfig& container, std::string_view config_json,
                                          const CachedDecision& decision);

}  // namespace scc
