// What a recorder saw: per architecture, the syscalls a workload made and,
// optionally, the argument values that matter for them. Both recorders
// produce it (the strace log parser and the built-in tracer), merge() joins
// two, and recorded_profile() turns one into a Docker-dialect profile.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "scc/arch.hpp"

namespace scc {

// One syscall as recorded on one arch. `args` maps an argument index to the
// values seen there; it is filled only for the arguments that matter
// (clone flags, socket family and type, personality, prctl option, ioctl
// request) and only when argument recording was asked for.
struct RecordedSyscall {
  std::uint64_t count = 0;
  std::map<unsigned, std::set<std::uint64_t>> args;
};

struct Recording {
  // arch -> syscall name -> what was seen. Names are the table names of
  // that arch (syscall_table(arch)); a number the table does not know is
  // kept as "__nr_<decimal>" so nothing is lost.
  std::map<Arch, std::map<std::string, RecordedSyscall>> syscalls;
};

// The union of two recordings: per arch and name, counts add up and the
// argument values of each index are joined. A name seen on both sides with
// argument values on one side only gets none (its arguments were not
// recorded on the other side, so any value may be needed).
void merge_into(Recording& into, const Recording& from);
Recording merge(const Recording& a, const Recording& b);

}  // namespace scc
