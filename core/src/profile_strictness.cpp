#include "profile_strictness.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

#include "scc/compile.hpp"
#include "scc/names.hpp"

namespace scc {
namespace {

using Condition = std::tuple<std::uint64_t, int, std::uint64_t, bool, std::uint64_t>;
using Conditions = std::set<Condition>;

// One argument condition as compared here; a missing valueTwo reads as 0, as
// in runc and crun.
Condition condition_of(const ArgCondition& c) {
  return {c.index, static_cast<int>(c.op), c.value, c.has_value, c.value_two.value_or(0)};
}

Conditions conditions_of(const SyscallRule& rule) {
  Conditions out;
  for (const ArgCondition& c : rule.args) out.insert(condition_of(c));
  return out;
}

std::vector<const SyscallRule*> rules_for(const Profile& p, std::string_view syscall) {
  std::vector<const SyscallRule*> out;
  for (const SyscallRule& rule : p.syscalls)
    if (std::find(rule.names.begin(), rule.names.end(), syscall) != rule.names.end()) out.push_back(&rule);
  return out;
}

bool default_permits(const Profile& p) { return !p.default_action || permits(*p.default_action); }

// The rules for one syscall as a comparable value: permission class, action,
// errno and conditions of each, sorted.
std::vector<std::tuple<bool, int, std::uint64_t, Conditions>> rule_signature(const Profile& p,
                                                                          std::string_view syscall) {
  std::vector<std::tuple<bool, int, std::uint64_t, Conditions>> out;
  for (const SyscallRule* r : rules_for(p, syscall))
    out.emplace_back(permits(r->action), static_cast<int>(r->action), r->errno_ret.value_or(0), conditions_of(*r));
  std::sort(out.begin(), out.end());
  return out;
}

// The allowlist proof: whenever a candidate rule permits, some baseline rule
// with fewer conditions matches too, and nothing in the baseline denies.
bool allowlist_implies(const Profile& candidate, const Profile& baseline, std::string_view syscall) {
  if (default_permits(candidate)) return false;
  const auto base_rules = rules_for(baseline, syscall);
  for (const SyscallRule* r : base_rules)
    if (!permits(r->action)) return false;
  for (const SyscallRule* r : rules_for(candidate, syscall)) {
    if (!permits(r->action)) continue;
    const Conditions mine = conditions_of(*r);
    const bool implied = std::any_of(base_rules.begin(), base_rules.end(), [&](const SyscallRule* b) {
      const Conditions theirs = conditions_of(*b);
      return std::includes(mine.begin(), mine.end(), theirs.begin(), theirs.end());
    });
    if (!implied) return false;
  }
  return true;
}

std::string describe(Permission p) {
  switch (p) {
    case Permission::Never:
      return "never";
    case Permission::Always:
      return "always";
    case Permission::Conditional:
      return "under argument conditions";
  }
  return "";
}

std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "" when the candidate is provably no looser for this syscall.
std::string syscall_problem(const Profile& candidate, const Profile& baseline, std::string_view syscall) {
  const Permission mine = permission_of(candidate, syscall);
  const Permission theirs = permission_of(baseline, syscall);
  if (mine == Permission::Never || theirs == Permission::Always) return "";
  if (rule_signature(candidate, syscall) == rule_signature(baseline, syscall) &&
      default_permits(candidate) == default_permits(baseline))
    return "";
  if (mine == Permission::Conditional && theirs == Permission::Conditional &&
      allowlist_implies(candidate, baseline, syscall))
    return "";
  if (theirs == Permission::Never)
    return "it allows " + q(syscall) + " " + describe(mine) + ", which the baseline never allows";
  if (mine == Permission::Always)
    return "it allows " + q(syscall) + " always, which the baseline allows only under argument conditions";
  return "cannot prove that its argument conditions for " + q(syscall) +
         " allow no more than the baseline's (refused because unsure)";
}

std::set<std::string> named_syscalls(const Profile& a, const Profile& b) {
  std::set<std::string> out;
  for (const Profile* p : {&a, &b})
    for (const SyscallRule& rule : p->syscalls) out.insert(rule.names.begin(), rule.names.end());
  return out;
}

}  // namespace

bool permits(Action action) {
  switch (action) {
    case Action::Allow:
    case Action::Log:
    case Action::Trace:
    case Action::Notify:
      return true;
    default:
      return false;
  }
}

Permission permission_of(const Profile& flat, std::string_view syscall) {
  if (!flat.default_action) return Permission::Always;
  bool deny_rules = false, permit_rules = false, unconditional_permit = false;
  for (const SyscallRule* r : rules_for(flat, syscall)) {
    if (!permits(r->action)) {
      if (r->args.empty()) return Permission::Never;
      deny_rules = true;
    } else {
      permit_rules = true;
      unconditional_permit = unconditional_permit || r->args.empty();
    }
  }
  const bool by_default = permits(*flat.default_action);
  if (!deny_rules) return by_default || unconditional_permit ? Permission::Always
                          : permit_rules                     ? Permission::Conditional
                                                             : Permission::Never;
  return !by_default && !permit_rules ? Permission::Never : Permission::Conditional;
}

Diagnostics check_at_least_as_strict(const Profile& candidate, std::string_view candidate_name,
                                     const Profile& baseline, std::string_view baseline_name) {
  Diagnostics out;
  const std::string prefix = std::string(candidate_name) + " is not provably at least as strict as " +
                             std::string(baseline_name) + ": ";
  Diagnostics ignored;
  const std::vector<Arch> mine = target_arches(candidate, {}, ignored);
  const std::vector<Arch> theirs = target_arches(baseline, {}, ignored);
  for (Arch a : mine)
    if (std::find(theirs.begin(), theirs.end(), a) == theirs.end())
      out.error(Code::PolicyViolation, "", prefix + "it covers arch " + std::string(short_name(a)) +
                                                ", which the baseline kills as a foreign arch");
  if (default_permits(candidate) && !default_permits(baseline))
    out.error(Code::PolicyViolation, "", prefix + "its default action permits the syscalls it does not list, "
                                                  "the baseline's denies them");
  const bool spec_allow = std::find(candidate.flags.begin(), candidate.flags.end(), Flag::SpecAllow) != candidate.flags.end();
  if (spec_allow && std::find(baseline.flags.begin(), baseline.flags.end(), Flag::SpecAllow) == baseline.flags.end())
    out.error(Code::PolicyViolation, "", prefix + "it sets SECCOMP_FILTER_FLAG_SPEC_ALLOW, the baseline does not");
  for (const std::string& syscall : named_syscalls(candidate, baseline))
    if (std::string problem = syscall_problem(candidate, baseline, syscall); !problem.empty())
      out.error(Code::PolicyViolation, "", prefix + problem);
  return out;
}

}  // namespace scc
