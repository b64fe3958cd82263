// The layout of a compiled program: the arch dispatch in front, then one
// group per AUDIT_ARCH value. A binary-tree program's groups are built by the
// compiler (dispatch_tree.hpp); a linear one's from sections (horizon stub +
// libseccomp rule body) by assemble() below.
//
//   ld [4]                        ; seccomp_data.arch
//   jeq AUDIT_ARCH_1 -> group 1   ; one compare per AUDIT_ARCH value, primary arches first
//   jeq AUDIT_ARCH_2 -> group 2   ; (or a ja trampoline when out of reach)
//   ret BAD_ARCH                  ; an arch not targeted
//   group: ld [0]                 ; seccomp_data.nr; every section starts with A = nr
//          section code
//
// x86_64 and x32 share AUDIT_ARCH_X86_64 and split on the x32 bit
// (jset #0x40000000): numbers with it set are x32 calls, the rest x86_64
// calls. When only one of the two is targeted, the other half returns the
// bad-arch action, except number 0xffffffff (-1, what a tracer sets to skip a
// call), which is no x32 call: it gets `unknown_action` (ERRNO(ENOSYS) under
// the horizon, else the default), as every other unknown number does.
// Under the horizon the x86_64 section leaves its top range to the group:
// one "jge #ceiling" sends every number at or above the first unknown one
// past the x86_64 table to the x32 test, so an x86_64 call pays one compare
// for both the x32 split and the horizon's top.
// Only nr and arch are read before a section, so the constant-action cache
// sees through the dispatch.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"

namespace scc::layout {

struct Section {
  Arch arch = Arch::X86_64;
  std::vector<sock_filter> code;  // entered with A = nr; every path ends in a return
  // x86_64 under the horizon: numbers >= ceiling (x32 bit clear) return
  // unknown_action before `code`, which does not test them.
  std::optional<std::uint32_t> ceiling;
};

// The code of one AUDIT_ARCH value: entered after the arch matched, it loads
// the number itself and every path ends in a return.
struct Group {
  Arch arch = Arch::X86_64;  // its first target arch (x86_64 or x32 for AUDIT_ARCH_X86_64)
  std::uint32_t audit_arch = 0;
  std::vector<sock_filter> code;
};

// `sections` in any order, one per arch, each arch with a syscall table.
std::vector<sock_filter> assemble(std::span<const Section> sections, std::uint32_t bad_arch_action,
                                  std::uint32_t unknown_action);

// ld [4], one jeq per group in dispatch order (dispatched_before), the
// bad-arch return, then the groups, smallest first so that the jeqs reach as
// many as they can directly; a group out of reach gets a "ja" trampoline.
std::vector<sock_filter> dispatch(std::vector<Group> groups, std::uint32_t bad_arch_action);

// The order arches are compared in: the 64-bit primary arches (x86_64 with
// its x32 half, aarch64), the ones a machine mostly runs, before their
// companions (x86, arm); then Arch order. Same on every machine.
bool dispatched_before(Arch a, Arch b);

// A conditional jump to a "ja" goes straight to the ja's target when that
// stays within reach: one instruction less on the way.
void thread_jumps(std::vector<sock_filter>& code);

// The same program with fewer instructions and no longer paths: every jump
// to a return goes to the first identical return it can reach (a "ja" to a
// return becomes that return), and instructions no path reaches any more are
// dropped. `code` must be a valid program (every path ends in a return).
std::vector<sock_filter> share_returns(std::vector<sock_filter> code);

}  // namespace scc::layout
