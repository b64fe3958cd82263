// A node set up for seccomp-hook process tests: a profile directory, a
// program cache and a config file in a TempDir.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/support.hpp"

namespace scc::test {

// An allowlist: mkdir gets EACCES, the rest of what it does not list EPERM.
inline constexpr const char* kBaseProfile = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
  "syscalls": [{"names": ["read", "write", "exit_group", "personality"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})";
// Stricter than base: no personality.
inline constexpr const char* kStrictProfile = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
  "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]})";

struct HookNode {
  TempDir tmp;
  std::filesystem::path profiles = tmp.path() / "profiles";
  std::filesystem::path cache = tmp.path() / "cache";
  std::filesystem::path config_path = tmp.path() / "config.json";
  nlohmann::json config = {{"profileDirs", {profiles.string()}}, {"defaultProfile", "base"}};

  HookNode() {
    tmp.write("profiles/base.json", kBaseProfile);
    tmp.write("profiles/strict.json", kStrictProfile);
    save();
  }
  void save() const { tmp.write("config.json", config.dump()); }
  void with_cache() {
    config["cacheDir"] = cache.string();
    save();
  }
  std::string config_arg() const { return config_path.string(); }
};

}  // namespace scc::test
