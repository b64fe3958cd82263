#include "scc/width_exact_oci.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>

#include "scc/compile.hpp"
#include "scc/names.hpp"
#include "scc/syscall_table.hpp"
#include "width_rewrite.hpp"

namespace scc {
namespace {

constexpr std::size_t kArgs = 6;

// Per argument index: 32 or 64 bits on the 64-bit target arches that know
// `name` (64 when none does: compile() treats it so, and kept as written).
using Signature = std::array<unsigned, kArgs>;

std::optional<Signature> signature(const std::string& name, const std::vector<Arch>& arches,
                                   const std::string& where, Diagnostics& diags) {
  Signature sig;
  sig.fill(64);
  for (unsigned i = 0; i < kArgs; ++i) {
    std::optional<unsigned> seen;
    std::optional<Arch> seen_on;
    for (Arch a : arches) {
      if (!has_64bit_registers(a) || syscall_table(a) == nullptr || !syscall_table(a)->number(name)) continue;
      const unsigned bits = arg_width(a, name, i) == ArgWidth::Bits32 ? 32 : 64;
      if (seen && *seen != bits) {
        diags.error(Code::WidthUnsafeComparison, where,
                    "argument " + std::to_string(i) + " of \"" + name + "\" is " + std::to_string(*seen) +
                        " bits wide on " + std::string(short_name(*seen_on)) + " and " + std::to_string(bits) +
                        " on " + std::string(short_name(a)) +
                        ": no flat condition is exact on both; target them in separate profiles");
        return std::nullopt;
      }
      seen = bits;
      seen_on = a;
    }
    if (seen) sig[i] = *seen;
  }
  return sig;
}

ArgCondition masked_eq(const width::Pattern& p, std::uint64_t index, const std::string& pointer) {
  ArgCondition c;
  c.index = index;
  c.op = Operator::MaskedEq;
  c.value = p.mask;
  c.value_two = p.bits;
  c.has_value = true;
  c.pointer = pointer;
  return c;
}

// One rule restricted to `names` (all of one signature), rewritten; appended to `out`.
void rewrite_group(const SyscallRule& rule, std::vector<std::size_t> name_ids, const Signature& sig,
                   const WidthExactOptions& options, std::vector<SyscallRule>& out, Diagnostics& diags) {
  SyscallRule base = rule;
  base.names.clear();
  base.name_pointers.clear();
  for (std::size_t j : name_ids) {
    base.names.push_back(rule.names[j]);
    if (j < rule.name_pointers.size()) base.name_pointers.push_back(rule.name_pointers[j]);
  }
  std::array<std::size_t, kArgs> count{};
  for (const ArgCondition& c : rule.args) ++count[c.index];
  // Conditions kept as written, and per rewritten index its alternatives, in
  // order of first appearance.
  base.args.clear();
  std::vector<std::vector<ArgCondition>> choices;
  std::array<bool, kArgs> done{};
  for (const ArgCondition& c : rule.args) {
    const auto i = static_cast<std::size_t>(c.index);
    if (sig[i] == 64 && count[i] == 1) {
      base.args.push_back(c);
      continue;
    }
    if (done[i]) continue;
    done[i] = true;
    width::ArgSet set = width::ArgSet::all(sig[i]);
    for (const ArgCondition& d : rule.args)
      if (d.index == c.index)
        set = width::intersect(set, width::condition_set(d.op, d.value, d.value_two.value_or(0), sig[i]));
    if (set.is_empty()) {
      diags.note(Code::RuleNeverMatches, c.pointer,
                 "the conditions on argument " + std::to_string(i) + " can never hold (the kernel reads " +
                     std::to_string(sig[i]) + " bits); the rule is dropped from the width-exact profile");
      return;
    }
    if (set.is_all()) continue;
    std::vector<ArgCondition> alternatives;
    for (const width::Pattern& p : set.to_patterns()) alternatives.push_back(masked_eq(p, c.index, c.pointer));
    choices.push_back(std::move(alternatives));
  }
  std::size_t total = 1;
  for (const auto& alternatives : choices) {
    total *= alternatives.size();
    if (total > options.max_rules_per_rule) {
      diags.error(Code::RuleTooComplex, rule.pointer,
                  "its width-exact form needs more than " + std::to_string(options.max_rules_per_rule) +
                      " rules (32-bit arguments as MASKED_EQ patterns); simplify its conditions");
      return;
    }
  }
  std::vector<std::size_t> pick(choices.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    SyscallRule r = base;
    for (std::size_t k = 0; k < choices.size(); ++k) r.args.push_back(choices[k][pick[k]]);
    out.push_back(std::move(r));
    for (std::size_t k = choices.size(); k-- > 0;) {
      if (++pick[k] < choices[k].size()) break;
      pick[k] = 0;
    }
  }
}

}  // namespace

Result<Profile> width_exact_oci(const Profile& flat, const WidthExactOptions& options) {
  Result<Profile> result;
  std::vector<Arch> arches = options.arches;
  if (arches.empty()) arches = target_arches(flat, CompileOptions{}, result.diagnostics);
  Profile out = flat;
  out.syscalls.clear();
  for (const SyscallRule& rule : flat.syscalls) {
    const bool in_range = std::all_of(rule.args.begin(), rule.args.end(),
                                      [](const ArgCondition& c) { return c.index < kArgs; });
    if (rule.args.empty() || !in_range) {  // out-of-range indexes: compile() reports them
      out.syscalls.push_back(rule);
      continue;
    }
    std::map<Signature, std::vector<std::size_t>> groups;  // signature -> name indexes
    std::vector<Signature> order;
    for (std::size_t j = 0; j < rule.names.size(); ++j) {
      const std::string& where = j < rule.name_pointers.size() ? rule.name_pointers[j] : rule.pointer;
      auto sig = signature(rule.names[j], arches, where, result.diagnostics);
      if (!sig) continue;
      auto [it, fresh] = groups.try_emplace(*sig);
      if (fresh) order.push_back(*sig);
      it->second.push_back(j);
    }
    for (const Signature& sig : order) rewrite_group(rule, groups[sig], sig, options, out.syscalls, result.diagnostics);
  }
  if (!result.diagnostics.has_errors()) result.value = std::move(out);
  return result;
}

}  // namespace scc
