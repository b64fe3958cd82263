// The compiler's middle: for one target arch, the profile's rules become, per
// syscall number, an ordered list of action regions that libseccomp can
// compile without guessing (DESIGN.md section 7).
//
// Conflict policy: when rules for one syscall with different actions can
// match the same call, the most restrictive action wins, in the order the
// kernel itself uses between stacked filters (KILL_PROCESS, KILL_THREAD,
// TRAP, ERRNO, USER_NOTIF, TRACE, LOG, ALLOW; between two ERRNO or TRACE
// values the smaller one). Each such overlap is reported (conflicting-rule,
// warning). libseccomp would instead let an unconditional rule silently erase
// conditional ones and, between conditional rules, let its tree merge decide.
// Here the regions of one syscall are ordered by that precedence and the
// argument checks try them in order (arg_checks.hpp): the first region that
// matches is the most restrictive one that does. A rule whose action equals
// the default still takes part, ahead of less restrictive rules; where no
// less restrictive rule follows it is redundant (rule-equals-default, note).
//
// Repeated argument index: all conditions of one rule are ANDed, as the OCI
// spec says, including several on one argument; the sets are intersected
// exactly (width_rewrite.hpp). runc instead turns such a rule into an OR of
// single-condition rules.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"
#include "scc/profile.hpp"
#include "width_rewrite.hpp"

namespace scc::plan {

inline constexpr std::size_t kMaxArgs = 6;

// A conjunction: argument i must lie in args[i]; nullopt means any value.
// Within a region, terms that differ in one argument only are merged into
// one with the union of that argument's sets.
struct Term {
  std::array<std::optional<width::ArgSet>, kMaxArgs> args;
  bool unconditional() const;
  friend bool operator==(const Term&, const Term&) = default;
  friend auto operator<=>(const Term&, const Term&) = default;
};

struct ActionRegion {
  std::uint32_t action = 0;        // SECCOMP_RET_* value
  std::vector<Term> terms;         // their union is where the rules of this action match
  std::vector<std::size_t> rules;  // input rules (indices) it comes from
};

struct SyscallPlan {
  std::uint32_t nr = 0;
  std::string_view name;
  // Most restrictive first; the first one matching a call decides. The last
  // one never has the default action; only the last one may be unconditional.
  std::vector<ActionRegion> regions;
};

struct ArchPlan {
  Arch arch = Arch::X86_64;
  std::vector<SyscallPlan> syscalls;  // ascending nr
};

// One profile rule, checked once for all arches by the compiler.
struct InputRule {
  const SyscallRule* rule = nullptr;
  std::uint32_t action = 0;  // SECCOMP_RET_* value
  bool usable = true;        // false: the compiler reported why it cannot be compiled
};

// State shared by the plans of all arches: what was already reported (so a
// problem shows once, not once per arch) and which rules reached a program.
struct Context {
  std::uint32_t default_action = 0;
  Diagnostics* diagnostics = nullptr;
  std::vector<bool> compiled;  // per input rule: part of some arch's program
  std::set<std::tuple<std::size_t, std::size_t, std::string>> reported;
};

ArchPlan plan_arch(std::span<const InputRule> rules, Arch arch, Context& context);

// SECCOMP_RET_* values ordered by the kernel's precedence, then by data:
// true when `a` wins over `b`.
bool more_restrictive(std::uint32_t a, std::uint32_t b);

}  // namespace scc::plan
