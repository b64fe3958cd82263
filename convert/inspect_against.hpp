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
// its arches plus the native one, by scc::attest_filters: the comparison
// seccomp-hook poststart makes, with the same tolerated differences (listed
// apart, with the reason each is tolerated). Returns the exit status: 0
// equivalent up to those, 1 different or the profile cannot be compiled.
int inspect_against(const std::vector<bpf::Program>& live, pid_t pid, const std::string& profile_path);

}  // namespace scc::convert
