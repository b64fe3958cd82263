// The meaning of a flat profile, evaluated directly rule by rule: what the
// kernel should answer to one seccomp_data under the semantics that
// compile.hpp's header defines. It is the reference the compiled program is
// tested against (test/core/compile_differential_test.cpp) and it names the
// rule that decided for `seccomp-convert explain`.
//
// It shares no code with the compiler (compile.cpp and its helpers): only the
// data both must agree on (the syscall tables with their argument widths, the
// AUDIT_ARCH values). A mistake in the compiler therefore shows up as a
// disagreement instead of being repeated here.
#pragma once

#include <linux/seccomp.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/bpf.hpp"
#include "scc/profile.hpp"

namespace scc {

struct DecideOptions {
  std::vector<Arch> arches;  // the target arches (CompiledFilter::arches)
  bool enosys_horizon = true;  // CompileOptions::enosys_horizon
  std::uint32_t bad_arch_action = SECCOMP_RET_KILL_PROCESS;
};

enum class DecidedBy {
  Rule,           // a rule of the profile matched (Verdict::rule)
  Default,        // a known syscall that no rule matched: the default action
  UnknownNumber,  // a number the arch's table lacks: ENOSYS horizon or default
  BadArch,        // the call's arch (or x32/x86_64 half) is not targeted
};

struct Verdict {
  std::uint32_t ret = 0;  // SECCOMP_RET_* value
  DecidedBy by = DecidedBy::Default;
  std::optional<std::size_t> rule;  // index into Profile::syscalls when by == Rule
  std::optional<Arch> abi;          // the table the number was read in (X32 for x32 calls)
  std::string_view syscall;         // its name there, empty when unknown
  bool horizon = false;             // UnknownNumber decided by the ENOSYS horizon
};

// What `flat` answers to `data` when compiled for `options` (see
// compile.hpp: arch check with the x32 bit and nr -1, the ENOSYS horizon,
// 32-bit arguments compared as the kernel sees them, conditions ANDed, the
// most restrictive matching action wins, else the default). Meant for
// profiles compile() accepts; an argument index past 5 never matches.
// Among matching rules with the winning action, the first one is named.
Verdict decide(const Profile& flat, const DecideOptions& options, const bpf::SeccompData& data);

// The SECCOMP_RET_* value of a rule's or the default's action: ERRNO and
// TRACE take errnoRet, else the errno name, else EPERM (runc and crun).
std::uint32_t semantic_action(Action action, std::optional<std::uint64_t> errno_ret,
                              std::string_view errno_name);

// The kernel's precedence of a SECCOMP_RET_* value's action, lower = more
// restrictive: KILL_PROCESS 0, KILL_THREAD 1, TRAP 2, ERRNO 3, USER_NOTIF 4,
// TRACE 5, LOG 6, ALLOW 7; unknown actions 0 (the kernel kills the process).
int action_rank(std::uint32_t ret);

// Whether ret `a` is more restrictive than ret `b` (the kernel's order of
// actions; the smaller data between two of one kind).
bool more_restrictive(std::uint32_t a, std::uint32_t b);

}  // namespace scc
