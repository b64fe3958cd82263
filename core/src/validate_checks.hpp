// Internal interface of the validator (validate.cpp and its validate_*.cpp
// parts): the targets the checks run against, and one entry point per family
// of checks. Not part of the public API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"

namespace scc::validate_detail {

// One filter the profile can become: a native arch (what moby matches
// includes/excludes "arches" against) and every arch of that filter (the
// native one first, then its archMap sub-arches or the profile's other
// architectures). Names are checked against the arches with tables.
struct TargetGroup {
  Arch native = Arch::X86_64;
  std::vector<Arch> arches;        // all arches of the filter, native first
  std::vector<Arch> table_arches;  // those with a syscall table
};

struct Context {
  const Profile& profile;
  std::vector<TargetGroup> groups;
};

// Whether moby would include `rule` in the filter built for `group`, judging
// by arches only (caps and kernel are unknown to the validator: any set may hold).
bool rule_applies(const SyscallRule& rule, const TargetGroup& group);
// The groups `rule` applies to.
std::vector<const TargetGroup*> applicable_groups(const Context& ctx, const SyscallRule& rule);

// What a rule does, for comparing rules with each other and with the default:
// SCMP_ACT_KILL and SCMP_ACT_KILL_THREAD are one action; an errno action
// without a number means EPERM, as in runc and crun.
struct ActionKey {
  Action action = Action::Errno;
  std::uint64_t data = 0;  // errno or trace value; 0 for other actions
};
bool operator==(const ActionKey& a, const ActionKey& b);
ActionKey rule_action_key(const SyscallRule& rule);
ActionKey default_action_key(const Profile& profile);  // requires default_action
std::string describe(const ActionKey& key);          // "SCMP_ACT_ERRNO(ENOSYS)"

// "a", "a and b", "a, b and c".
std::string join_words(const std::vector<std::string>& words);
std::string arch_list(const std::vector<Arch>& arches);  // "x86_64, x86 and x32"

// The calls 32-bit ABIs also reach through socketcall(2) or ipc(2), and the
// arches that have those multiplexers (validate_args.cpp).
bool is_multiplexed_call(std::string_view name);
bool multiplexes_calls(Arch arch);

// Whether one 64-bit value satisfies every condition in `conditions` (all on
// one argument) and has every bit of `required_bits` set. Exact: the range
// operators bound an interval, the masks fix bits, each SCMP_CMP_NE removes
// one value (validate_args.cpp).
bool satisfiable(const std::vector<const ArgCondition*>& conditions, std::uint64_t required_bits = 0);

// The check families, each in its own file.
void check_names(const Context& ctx, Diagnostics& out);     // validate_names.cpp
void check_args(const Context& ctx, Diagnostics& out);      // validate_args.cpp
void check_actions(const Context& ctx, Diagnostics& out);   // validate_actions.cpp
void check_overlaps(const Context& ctx, Diagnostics& out);  // validate_overlaps.cpp

}  // namespace scc::validate_detail
