// inspect --against PROFILE: compare a live process's filter stack with what
// a profile compiles to on this machine (scc::diff_programs), and explain the
// differences runtimes are known to cause.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "scc/bpf.hpp"

namespace scc::convert {

// Print the comparison of `live` (newest first) with PROFILE resolved for
// this machine (Docker's default caps, the running kernel) and compiled for
// its arches plus the native one. Only syscall numbers of the tables are
// compared: runc answers other numbers with its own ENOSYS stub, crun with
// the default action. Differences that runc's stub makes (ENOSYS for a
// syscall the profile does not name, above the highest one it names) are
// listed apart and do not count. Returns the exit status: 0 equivalent,
// 1 different or the profile cannot be compiled.
int inspect_against(const std::vector<bpf::Program>& live, pid_t pid, const std::string& profile_path);

}  // namespace scc::convert
