// Where a container recording goes: the annotation seccomp-hook.record=<name>
// names it, the config's recordDir holds it. Shared by the record and
// poststop modes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "modes.hpp"
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

// What record and poststop start with: the state from stdin (with a pid when
// `need_pid`), the config and the target (nullopt: no recording asked for).
struct RecordingRequest {
  OciState state;
  HookConfig config;
  std::optional<RecordTarget> target;
};
// nullopt after the one refusal line.
std::optional<RecordingRequest> read_recording_request(const CommonOptions& common, EventLog& log, bool need_pid);

}  // namespace scc::hook
