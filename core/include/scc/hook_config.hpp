// The hook's configuration file (default /etc/seccomp-hook/config.json; its
// schema is schema/hook-config.schema.json, docs/hook.md the reference). It is
// security policy, so it is read strictly: unknown keys, wrong types,
// duplicate keys and relative paths are errors, and a missing file is an
// error too (the hook fails closed rather than run without a policy).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scc/diagnostics.hpp"

namespace scc {

inline constexpr std::string_view kDefaultHookConfigPath = "/etc/seccomp-hook/config.json";
// The environment variable that overrides the default path (--config wins over it).
inline constexpr std::string_view kHookConfigEnv = "SECCOMP_HOOK_CONFIG";
// The config file is small; anything bigger is a mistake.
inline constexpr std::size_t kMaxHookConfigBytes = 256 * 1024;

struct HookPolicy {
  // A container must get a profile from the store (a request or the default).
  bool require_profile = false;
  // A container without linux.seccomp, or asking for "unconfined", is refused.
  bool refuse_unconfined = true;
  // Syscall names no container profile may allow, even conditionally.
  std::vector<std::string> deny_syscalls;
  // A request (annotation or environment) may select a profile looser than
  // the default. When false, a request must name a profile that is provably
  // at least as strict as defaultProfile.
  bool allow_annotation_loosen = false;
};

struct HookConfig {
  std::vector<std::filesystem::path> profile_dirs;  // absolute, searched in order
  std::string default_profile;                      // a profile name; "" = none
  std::optional<std::filesystem::path> kubernetes_root;  // for "localhost/<path>" names
  HookPolicy policy;
  std::optional<std::filesystem::path> cache_dir;  // none: compile in memory every time
  bool crun_handover = false;                      // add run.oci.seccomp_bpf_data for crun
  // Where container recordings (annotation seccomp-hook.record=<name>) are
  // written as <name>.json; none: recording is refused.
  std::optional<std::filesystem::path> record_dir;
  std::uint64_t deadline_ms = 2000;                // 1..60000
  std::string log = "stderr";                      // "stderr" or an absolute file path
};

// Parse the text of a config file. Every problem is reported with its JSON
// pointer and line:column.
Result<HookConfig> parse_hook_config(std::string_view text);

// Read and parse the file at `path`: it must be a regular file, at most
// kMaxHookConfigBytes, owned by root and not writable by group or others.
// Diagnostics name the path.
Result<HookConfig> load_hook_config(const std::filesystem::path& path);

// The path to use: `cli` (--config) when given, else `env` (the value of
// SECCOMP_HOOK_CONFIG) when non-empty, else the default.
std::filesystem::path hook_config_path(const std::optional<std::string>& cli,
                                       const char* env);

}  // namespace scc
