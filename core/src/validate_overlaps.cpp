// Duplicate and conflicting rules for one syscall.
//
// Two rules that name the same syscall are compared only when they can both
// be in one filter: some target filter includes both (includes/excludes
// "arches"), some capability set satisfies both (no cap one includes is one
// the other excludes), and some kernel satisfies both minKernel bounds. moby's
// clone rule (excludes CAP_SYS_ADMIN) and its CAP_SYS_ADMIN rule (includes
// it) never meet, so they neither duplicate nor conflict.
//
// Of two such rules:
// - with the same action (and errno): the one that can only ever add calls
//   the other already covers is a duplicate (warning). It is covered when its
//   conditions include all of the other's (so it matches fewer calls) and it
//   applies only where the other does.
// - with different actions: a conflict (error) when both are unconditional
//   (libseccomp 2.5.4 keeps the first and drops the second, returning 0), when
//   one is unconditional (its unconditional rule erases the conditional one,
//   in either order), or when both are conditional and one call can satisfy
//   both (the verdict would depend on how the runtime orders them).
//   Conditions are read as written: all of a rule's conditions at once (AND),
//   on 64-bit values.
// Each name of a rule is reported at most once, at its first conflict or
// duplicate with an earlier rule.
#include <algorithm>
#include <map>
#include <set>

#include "scc/names.hpp"
#include "validate_checks.hpp"

namespace scc::validate_detail {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}
bool subset(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::all_of(a.begin(), a.end(), [&](const std::string& s) { return contains(b, s); });
}

// What the pairwise comparisons need of each rule, computed once.
struct RuleFacts {
  ActionKey key;
  std::uint64_t groups = 0;  // bit g: the rule applies to ctx.groups[g]
};

std::vector<RuleFacts> rule_facts(const Context& ctx) {
  std::vector<RuleFacts> out;
  for (const SyscallRule& r : ctx.profile.syscalls) {
    RuleFacts f;
    f.key = rule_action_key(r);
    for (std::size_t g = 0; g < ctx.groups.size() && g < 64; ++g)
      if (rule_applies(r, ctx.groups[g])) f.groups |= std::uint64_t{1} << g;
    out.push_back(f);
  }
  return out;
}

bool can_coapply(const SyscallRule& a, const RuleFacts& fa, const SyscallRule& b,
                 const RuleFacts& fb) {
  if ((fa.groups & fb.groups) == 0) return false;
  for (const auto* inc : {&a.includes.caps, &b.includes.caps})
    for (const std::string& cap : *inc)
      if (contains(a.excludes.caps, cap) || contains(b.excludes.caps, cap)) return false;
  auto lo = std::max(a.includes.min_kernel, b.includes.min_kernel);
  std::optional<KernelVersion> hi;
  for (const auto& ex : {a.excludes.min_kernel, b.excludes.min_kernel})
    if (ex && (!hi || *ex < *hi)) hi = ex;
  return !(lo && hi && !(*lo < *hi));
}

// Whenever `narrow` is in a filter, `broad` is too.
bool implies(const SyscallRule& narrow, const RuleFacts& fn, const SyscallRule& broad,
             const RuleFacts& fb) {
  if ((fn.groups & ~fb.groups) != 0) return false;
  if (!subset(broad.includes.caps, narrow.includes.caps)) return false;
  if (!subset(broad.excludes.caps, narrow.excludes.caps)) return false;
  const auto& bi = broad.includes.min_kernel;
  const auto& ni = narrow.includes.min_kernel;
  if (bi && !(ni && *bi <= *ni)) return false;
  const auto& be = broad.excludes.min_kernel;
  const auto& ne = narrow.excludes.min_kernel;
  return !be || (ne && *ne <= *be);
}

bool same_condition(const ArgCondition& a, const ArgCondition& b) {
  bool masked = a.op == Operator::MaskedEq;
  return a.index == b.index && a.op == b.op && a.value == b.value &&
         a.has_value == b.has_value &&
         (!masked || a.value_two.value_or(0) == b.value_two.value_or(0));
}

// `broad` covers `narrow` when it gives the same action to a superset of calls.
bool covers(const SyscallRule& broad, const RuleFacts& fb, const SyscallRule& narrow,
            const RuleFacts& fn) {
  if (!(fb.key == fn.key)) return false;
  for (const ArgCondition& c : broad.args)
    if (std::none_of(narrow.args.begin(), narrow.args.end(),
                     [&](const ArgCondition& d) { return same_condition(c, d); }))
      return false;
  return implies(narrow, fn, broad, fb);
}

bool args_overlap(const SyscallRule& a, const SyscallRule& b) {
  for (std::uint64_t index = 0; index <= 5; ++index) {
    std::vector<const ArgCondition*> conds;
    for (const auto* r : {&a, &b})
      for (const ArgCondition& c : r->args)
        if (c.index == index) conds.push_back(&c);
    if (!satisfiable(conds)) return false;
  }
  return true;
}

struct SharedNames {
  std::vector<std::size_t> in_first, in_second;  // positions in each rule's names
};

std::string quoted_names(const SyscallRule& r, const std::vector<std::size_t>& positions) {
  constexpr std::size_t kShown = 5;
  std::vector<std::string> words;
  for (std::size_t k = 0; k < positions.size() && k < kShown; ++k)
    words.push_back('"' + r.names[positions[k]] + '"');
  if (positions.size() > kShown)
    words.push_back(std::to_string(positions.size() - kShown) + " more");
  return (positions.size() == 1 ? "syscall " : "syscalls ") + join_words(words);
}

void report_conflict(const SyscallRule& a, const SyscallRule& b, const SharedNames& s,
                     Diagnostics& out) {
  std::string why;
  if (a.args.empty() && b.args.empty())
    why = "both are unconditional and libseccomp keeps only the first";
  else if (a.args.empty() || b.args.empty())
    why = "libseccomp's unconditional rule (at " + (a.args.empty() ? a : b).pointer +
          ") erases the conditional one";
  else
    why = "one call can satisfy the conditions of both";
  out.error(Code::ConflictingRule, b.name_pointers[s.in_second.front()],
            quoted_names(b, s.in_second) + " gets " + describe(rule_action_key(b)) +
                " here and " + describe(rule_action_key(a)) + " at " +
                a.name_pointers[s.in_first.front()] + ", and both rules can apply: " + why);
}

void report_duplicate(const SyscallRule& redundant, const std::vector<std::size_t>& positions,
                      const SyscallRule& other, const std::vector<std::size_t>& other_positions,
                      Diagnostics& out) {
  const bool whole = positions.size() == redundant.names.size();
  out.warning(Code::DuplicateRule,
              whole ? redundant.pointer : redundant.name_pointers[positions.front()],
              quoted_names(redundant, positions) + " already " +
                  (positions.size() == 1 ? "gets " : "get ") +
                  describe(rule_action_key(redundant)) + " from " +
                  other.name_pointers[other_positions.front()] +
                  " whenever this rule applies" + (redundant.args.empty() ? "" : " and matches") +
                  ": " + (whole ? "the rule is redundant" : "the entry is redundant"));
}

enum class Relation : std::uint8_t { Unknown, None, Conflict, LaterRedundant, EarlierRedundant };

Relation relate(const SyscallRule& a, const RuleFacts& fa, const SyscallRule& b,
                const RuleFacts& fb) {
  if (!can_coapply(a, fa, b, fb)) return Relation::None;
  if (!(fa.key == fb.key)) {
    bool overlap = a.args.empty() || b.args.empty() || args_overlap(a, b);
    return overlap ? Relation::Conflict : Relation::None;
  }
  // Identical rules cover each other: the later one is the redundant one.
  if (covers(a, fa, b, fb)) return Relation::LaterRedundant;
  if (covers(b, fb, a, fa)) return Relation::EarlierRedundant;
  return Relation::None;
}

// Findings of one rule against earlier ones, grouped by the earlier rule.
struct Findings {
  std::map<std::size_t, SharedNames> conflicts, later_redundant, earlier_redundant;
};

void report(const std::vector<SyscallRule>& rules, std::size_t j, const Findings& f,
            Diagnostics& out) {
  for (const auto& [i, s] : f.conflicts) report_conflict(rules[i], rules[j], s, out);
  for (const auto& [i, s] : f.later_redundant)
    report_duplicate(rules[j], s.in_second, rules[i], s.in_first, out);
  for (const auto& [i, s] : f.earlier_redundant)
    report_duplicate(rules[i], s.in_first, rules[j], s.in_second, out);
}

}  // namespace

// Each rule is compared, name by name, with the earlier rules naming the same
// syscall, in order, until the first conflict or duplicate for that name;
// each name of a rule is reported at most once. Relations are computed once
// per pair of rules. This keeps output linear in the number of names, and
// the work near it for the common shapes (many rules repeating one name).
void check_overlaps(const Context& ctx, Diagnostics& out) {
  const auto& rules = ctx.profile.syscalls;
  const std::vector<RuleFacts> facts = rule_facts(ctx);
  std::map<std::string, std::vector<std::pair<std::size_t, std::size_t>>> seen;  // (rule, pos)
  std::vector<std::vector<bool>> settled;  // [rule][pos]: reported
  for (const SyscallRule& r : rules) settled.emplace_back(r.names.size(), false);
  std::vector<Relation> memo;
  for (std::size_t j = 0; j < rules.size(); ++j) {
    memo.assign(j, Relation::Unknown);
    Findings found;
    std::set<std::string> in_rule;
    for (std::size_t p = 0; p < rules[j].names.size(); ++p) {
      const std::string& n = rules[j].names[p];
      if (n.empty() || !in_rule.insert(n).second) continue;
      auto& earlier = seen[n];
      for (const auto& [i, q] : earlier) {
        if (memo[i] == Relation::Unknown) memo[i] = relate(rules[i], facts[i], rules[j], facts[j]);
        const Relation rel = memo[i];
        if (rel == Relation::EarlierRedundant && !settled[i][q]) {
          settled[i][q] = true;
          found.earlier_redundant[i].in_first.push_back(q);
          found.earlier_redundant[i].in_second.push_back(p);
        }
        if (rel != Relation::Conflict && rel != Relation::LaterRedundant) continue;
        auto& group = rel == Relation::Conflict ? found.conflicts[i] : found.later_redundant[i];
        group.in_first.push_back(q);
        group.in_second.push_back(p);
        settled[j][p] = true;
        break;
      }
      earlier.emplace_back(j, p);
    }
    report(rules, j, found, out);
  }
}

}  // namespace scc::validate_detail
