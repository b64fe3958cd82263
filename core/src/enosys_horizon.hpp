// The ENOSYS horizon (DESIGN.md section 7): syscall numbers our tables do not
// know on an arch, the holes between known numbers and everything above the
// highest, return ERRNO(ENOSYS), so that a libc probing a syscall newer than
// the profile falls back as it would on an older kernel (clone3, faccessat2);
// numbers the tables know but no rule names get the profile's default.
//
// Unlike runc's patchbpf stub, which takes the highest number the *profile*
// names, this is exact: it follows the tables, holes included. Long runs of
// unknown numbers and the range above the highest are decided by a small
// stub in front of the libseccomp body: a weight-balanced search of JGE
// compares on the number alone, ending in one `ret ERRNO(ENOSYS)`, so every syscall stays
// cacheable by the kernel's constant-action cache (only nr and arch are read
// before the decision). Short runs inside the known range are cheaper as
// ordinary libseccomp rules in a binary-tree body; the compiler adds them
// there (Plan::body) and leaves the stub the long runs.
#pragma once

#include <linux/filter.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "scc/syscall_table.hpp"

namespace scc::horizon {

inline constexpr std::uint32_t kX32Bit = 0x40000000;

struct Range {
  std::uint32_t lo = 0;
  std::uint32_t hi = 0;  // inclusive
  friend bool operator==(const Range&, const Range&) = default;
};

// The unknown numbers of one arch and who decides them.
struct Plan {
  std::vector<Range> stub;          // ascending; the last one always ends at 0xffffffff
  std::vector<std::uint32_t> body;  // ascending; each becomes an ERRNO(ENOSYS) rule
};

// The lowest number that can reach the arch's code: 0x40000000 for x32 (the
// dispatch sends only numbers with that bit set there), 0 otherwise.
std::uint32_t section_floor(Arch arch);

// Split the numbers of [section_floor, 0xffffffff] that `table` lacks: runs
// of at most `max_body_run` numbers below the highest known one go to the
// body, the rest (always including the range above the highest) to the stub.
// max_body_run == 0 puts every run in the stub.
Plan plan(const SyscallTable& table, std::size_t max_body_run);

// Whether the horizon changes anything for a filter with this default
// action (a SECCOMP_RET_* value). Not when the default already returns
// ERRNO(ENOSYS); not when it lets unknown syscalls reach the kernel, which
// answers ENOSYS itself, or a tracer that decides (ALLOW, LOG, TRACE, as
// runc's stub): there a number newer than the tables must keep the default.
bool applies(std::uint32_t default_action);

// The stub for `unknown` (ascending, disjoint, within [floor, 0xffffffff]):
// with A holding the syscall number, it jumps to its last instruction,
// `ret enosys_action`, for a number in `unknown`, and past it otherwise, to
// whatever the caller appends. Empty when `unknown` is empty. The search is
// balanced by the syscalls of `weights` in each known range (by range count
// without it), so the common numbers pay the fewest compares.
std::vector<sock_filter> stub(std::span<const Range> unknown, std::uint32_t floor,
                              std::uint32_t enosys_action, const SyscallTable* weights = nullptr);

}  // namespace scc::horizon
