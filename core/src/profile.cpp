#include "scc/profile.hpp"

#include <algorithm>

namespace scc {

bool Profile::is_flat() const {
  if (has_arch_map) return false;
  return std::all_of(syscalls.begin(), syscalls.end(), [](const SyscallRule& r) {
    return r.includes.empty() && r.excludes.empty();
  });
}

bool action_takes_errno(Action action) {
  switch (action) {
    case Action::Errno:
    case Action::Trace:
      return true;
    case Action::Kill:
    case Action::KillThread:
    case Action::KillProcess:
    case Action::Trap:
    case Action::Allow:
    case Action::Log:
    case Action::Notify:
      return false;
  }
  return false;
}

std::uint64_t max_action_data(Action action) {
  if (action == Action::Errno) return 4094;
  if (action == Action::Trace) return 0xFFFF;
  return 0;
}

std::string action_data_range_message(Action action, std::string_view key, std::uint64_t value) {
  return std::string(key) + " " + std::to_string(value) + " is out of range 0-" +
         std::to_string(max_action_data(action)) +
         (action == Action::Trace
              ? ": the tracer receives 16 bits"
              : ": libseccomp (so runc, crun and podman) refuses errno 4095 and above; the "
                "kernel caps errno at 4095");
}

}  // namespace scc
