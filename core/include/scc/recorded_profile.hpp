// A Recording (what a workload was seen doing) as a Docker-dialect profile
// that lets exactly that run (DESIGN.md section 10).
//
// Shape of the result:
// - defaultAction SCMP_ACT_ERRNO with defaultErrnoRet `errno_ret` (EPERM);
// - archMap: one entry per native arch recorded (a companion arch's calls,
//   x86 / x32 / arm, count for its native one, x86_64 / aarch64), with the
//   companion arches recorded as subArchitectures, in moby's order;
// - one SCMP_ACT_ALLOW rule per set of native arches, names sorted: names
//   allowed on every recorded native arch have no condition, the others
//   carry includes.arches (Docker's names, "amd64", "arm64"). A name
//   recorded on a companion arch only is allowed on its native arch's whole
//   filter: Docker profiles cannot name a companion arch in a rule;
// - argument rules for syscalls with recorded argument values (and not
//   allowed unconditionally by the baseline or the base): one rule per
//   combination of the recorded values of each index, SCMP_CMP_EQ for a
//   64-bit argument, SCMP_CMP_MASKED_EQ of the low 32 bits (value
//   0xffffffff) for an argument the kernel reads as 32 bits, so that every
//   consumer (runc, crun, this compiler) compares what the kernel reads;
//   then sorted by name and values;
// - the runtime baseline (runtime_baseline.hpp) for every native arch,
//   unless `include_baseline` is false;
// - with a `base` profile, the union: its arches join the archMap and its
//   rules follow ours, with our unconditionally allowed names removed from
//   them (what was recorded stays allowed; a base rule that denied it is
//   reported as a note).
// The same recording and options always give the same profile.
#pragma once

#include <cstddef>
#include <cstdint>

#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"
#include "scc/recording.hpp"

namespace scc {

struct RecordedProfileOptions {
  std::uint64_t errno_ret = 1;  // EPERM; 0-4094
  bool include_baseline = true;
  const Profile* base = nullptr;  // a Docker (or flat) profile to unite with; not owned
  // A syscall whose recorded values would need more rules than this is
  // allowed without argument conditions instead (a warning says so).
  std::size_t max_arg_rules = 64;
};

// Errors: an errno_ret out of range, a recording with no syscalls (and no
// base). Warnings: names the tables do not know ("__nr_<n>") are left out;
// argument values that would need too many rules.
Result<Profile> recorded_profile(const Recording& recording, const RecordedProfileOptions& options = {});

}  // namespace scc
