// An OCI config.json as the hook reads it: strictly parsed (duplicate keys,
// lossy numbers and bad shapes of the fields the hook uses are errors), the
// parsed document kept whole with its key order so that a rewrite changes
// nothing but what it means to change.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc {

inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

struct ContainerConfig {
  nlohmann::ordered_json root;  // with ShapeOnly, /linux/seccomp is an empty object here
  std::optional<std::string> seccomp_text;         // /linux/seccomp, its JSON text as written
  std::map<std::string, std::string> annotations;  // /annotations
  std::vector<std::string> env;                    // /process/env, "KEY=VALUE"
  std::vector<std::string> bounding_caps;          // /process/capabilities/bounding, canonical
  bool has_bounding = false;                       // the set was present (even empty)
  std::string hostname;                            // /hostname, for messages
  std::optional<Profile> seccomp;                  // /linux/seccomp as written, pointers absolute
};

// How much of /linux/seccomp parse_container_config reads: the profile (into
// ContainerConfig::seccomp), or only that it is an object, leaving seccomp
// unset and root's copy empty (a decision-cache lookup keys on its text,
// decision_cache.hpp). Both check the whole text as strictly; ShapeOnly builds
// no value of /linux/seccomp.
enum class SeccompReading { Profile, ShapeOnly };

// Errors: what parse_strict_json reports; an integer that does not fit 64
// bits (a rewrite would change it); a wrong type at /annotations (object of
// strings), /process/env (array of strings), /process/capabilities/bounding
// (array of known capability names), /hostname, /linux, /linux/seccomp; and
// every error the OCI profile reader finds in /linux/seccomp (with Profile).
Result<ContainerConfig> parse_container_config(std::string_view text,
                                               SeccompReading reading = SeccompReading::Profile);

// The value of environment variable `key` in `env` ("KEY=VALUE" entries):
// nullopt when absent. Several entries with different values are an error
// (BadValue at /process/env/<i>): which one a program sees depends on it.
Result<std::optional<std::string>> env_value(const std::vector<std::string>& env, std::string_view key);

// The text of <bundle>/config.json: the bundle opened as a directory, then
// config.json in it without following a symlink (a link out of the bundle is
// never read), which must be a regular file of at most kMaxConfigBytes.
// InputUnreadable / InputTooLarge errors name the path.
Result<std::string> read_bundle_config(const std::filesystem::path& bundle);

}  // namespace scc
