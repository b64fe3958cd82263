// The runtime baseline: the syscalls runc and crun make in the container's
// init after they load the seccomp filter and up to the execve of the user's
// program, with and without no_new_privs. A recorded profile that lacks them
// never starts, because the runtime itself is denied. The table is measured
// on the real runtimes (scripts/measure-runtime-baseline.sh; how and what in
// docs/recording.md) and kept in core/src/runtime_baseline.cpp.
#pragma once

#include <span>
#include <string_view>

#include "scc/arch.hpp"

namespace scc {

// The names for a native arch (x86_64, aarch64), ascending; empty for any
// other arch. Companion arches need none: the runtimes run natively.
std::span<const std::string_view> runtime_baseline(Arch arch);

}  // namespace scc
