// The syscall arguments whose values a recorder keeps (`record --args`):
// the ones a profile usually constrains. One table, shared by the tracer and
// anything that reads recordings.
#pragma once

#include <span>
#include <string_view>

#include "scc/arch.hpp"

namespace scc {

// The argument indices of `syscall` on `arch` whose values are recorded:
// clone flags (arg 0 on x86_64, x86, x32, aarch64 and arm; clone3 passes a
// struct and is not covered), socket family and type (0, 1), personality
// (0), prctl option (0), ioctl request (1). Empty for any other syscall.
std::span<const unsigned> recorded_arg_indices(Arch arch, std::string_view syscall);

}  // namespace scc
