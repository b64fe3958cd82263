// The container state an OCI runtime writes to a hook's stdin (runtime-spec
// runtime.md "State"), read strictly (reliability.md §4.2 item 4): duplicate
// keys, NUL bytes, an unknown status, an id with "/" or "..", a relative
// bundle are errors. Properties the spec does not define are allowed (it
// says a state MAY have more; crun adds "root") and ignored.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "scc/diagnostics.hpp"

namespace scc {

enum class ContainerStatus { Creating, Created, Running, Stopped };

std::string_view to_string(ContainerStatus status);  // "creating"
std::optional<ContainerStatus> parse_container_status(std::string_view name);
std::span<const std::string_view> container_status_names();

inline constexpr std::size_t kMaxStateBytes = 1024 * 1024;
inline constexpr std::size_t kMaxContainerIdBytes = 1024;

struct OciState {
  std::string oci_version;
  std::string id;
  ContainerStatus status = ContainerStatus::Creating;
  // Absent (runc's poststop), 0 (crun's createContainer), or the pid as the
  // runtime sees it. Advisory: pids are reused; open it once (pidfd).
  std::optional<pid_t> pid;
  std::string bundle;  // absolute, no "." or ".." components
  std::map<std::string, std::string> annotations;
};

// Required: ociVersion (non-empty string), id (1..kMaxContainerIdBytes bytes,
// no "/", no "..", no control characters), status, bundle. Optional: pid (an
// integer 0..2^31-1), annotations (an object of strings).
Result<OciState> parse_oci_state(std::string_view text);

// Whether `id` may be used as a container id (the rules above), with the
// reason when not.
std::optional<std::string> container_id_problem(std::string_view id);

}  // namespace scc
