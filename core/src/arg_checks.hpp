// The argument half of a compiled program: for one syscall whose rules have
// conditions, BPF that reads the arguments and returns the action of the
// region the call falls in, or the default.
//
// Why not libseccomp. libseccomp 2.5.4 merges the rules of one syscall into
// a decision tree (db.c, _db_tree_add / _db_tree_prune), and that merge can
// silently drop rules: with TRAP for "a4 == 255" and for "(a2 & m) == d"
// added first, seventeen ERRNO rules "a0 == 49 && (a2 & m_k) == d_k &&
// a4 != 255" were accepted (rc 0) and never reached the program; added in the
// other order they were kept. The compiler's differential test found it. So
// libseccomp builds only what it does reliably, the dispatch on the syscall
// number with one unconditional rule per syscall, and the conditions become
// the code below: a direct translation of the plan's ordered regions.
//
// It also compares exactly what the kernel reads: a 32-bit argument loads
// only its low word, so high bits can neither pass nor block a rule, and a
// range costs two compares instead of libseccomp's 64-bit sequences.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "rule_plan.hpp"

namespace scc::args {

// Code for one syscall: entered with any value in A; every path ends in a
// return: the action of the first region (in plan order, most restrictive
// first) with a term that holds, else `default_action`. nullopt when the code
// would pass `max_instructions`.
std::optional<std::vector<sock_filter>> decision_code(const plan::SyscallPlan& syscall,
                                                      std::uint32_t default_action,
                                                      std::size_t max_instructions);

// The low and high words of seccomp_data.args[index] (little-endian host).
std::uint32_t low_word_offset(unsigned index);
std::uint32_t high_word_offset(unsigned index);

}  // namespace scc::args
