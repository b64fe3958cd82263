// The hook's modes, one file each (<mode>_mode.cpp); main.cpp dispatches.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "event_log.hpp"
#include "scc/hook_config.hpp"

namespace scc::hook {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;   // any refusal or error: the container must not start
inline constexpr int kExitUsage = 2;     // bad command line
inline constexpr int kExitMismatch = 4;  // poststart: the live filter is wrong; the container was killed
inline constexpr std::size_t kMaxStdinBytes = 1024 * 1024;

struct CommonOptions {
  std::optional<std::string> config;  // --config
  std::string config_env;             // SECCOMP_HOOK_CONFIG, read before the environment is cleared
};

struct RuntimeOptions {
  std::string runtime;       // --runtime: the real runtime binary
  std::string runtime_name;  // --runtime-name; default: crun when runtime's file name starts with "crun"
  std::vector<std::string> args;  // everything after "--"
};

int run_precreate(const CommonOptions& common, const std::string& runtime_name);
int run_runtime(const CommonOptions& common, const RuntimeOptions& options);
int run_create_runtime(const CommonOptions& common, const std::string& stage);
int run_poststart(const CommonOptions& common);
int run_record(const CommonOptions& common);    // createRuntime: start a container recorder
int run_poststop(const CommonOptions& common);  // finish a container recording

// Shared steps of the modes. Each returns nullopt after logging a refusal.
std::optional<HookConfig> load_config(const CommonOptions& common, EventLog& log);
std::optional<std::string> read_stdin(EventLog& log);

}  // namespace scc::hook
