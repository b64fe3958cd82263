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

}  // namespace scc
