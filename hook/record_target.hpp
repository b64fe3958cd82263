// Where a container recording goes: the annotation seccomp-hook.record=<name>
// names it, the config's recordDir holds it. Shared by the record and
// poststop modes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "scc/diagnostics.hpp"
#include "scc/hook_config.hpp"
#include "scc/oci_state.hpp"

namespace scc::hook {

inline constexpr std::string_view kRecordAnnotation = "seccomp-hook.record";

struct RecordTarget {
  std::string name;               // the annotation's value
  std::filesystem::path output;   // <recordDir>/<name>.json
  std::filesystem::path lock;     // <recordDir>/.<container id>.recording
};

// nullopt when the container asks for no recording. Errors: a name that is
// not a plain profile name (check_profile_name; localhost/ paths are not
// accepted), no recordDir in the config, a recordDir that is not a directory
// owned by root and not writable by group or others (a symlink is refused).
Result<std::optional<RecordTarget>> record_target(const HookConfig& config, const OciState& state);

}  // namespace scc::hook
