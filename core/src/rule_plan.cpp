#include "rule_plan.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "scc/bpf.hpp"
#include "scc/names.hpp"
#include "scc/syscall_table.hpp"

namespace scc::plan {
namespace {

struct Sourced {
  Term term;
  std::size_t rule = 0;
  friend auto operator<=>(const Sourced&, const Sourced&) = default;
};

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string describe(std::uint32_t action) { return bpf::describe_return(action); }

bool terms_disjoint(const Term& a, const Term& b) {
  for (std::size_t i = 0; i < kMaxArgs; ++i)
    if (a.args[i] && b.args[i] && width::disjoint(*a.args[i], *b.args[i])) return true;
  return false;
}

// Store `set` as argument i of `t`; false when the term became empty.
bool constrain(Term& t, std::size_t i, const width::ArgSet& set) {
  width::ArgSet merged = t.args[i] ? width::intersect(*t.args[i], set) : set;
  if (merged.is_empty()) return false;
  if (merged.is_all())
    t.args[i].reset();
  else
    t.args[i] = std::move(merged);
  return true;
}

// Whether every call `inner` matches, `outer` matches too.
bool term_within(const Term& inner, const Term& outer) {
  for (std::size_t i = 0; i < kMaxArgs; ++i) {
    if (!outer.args[i]) continue;
    if (!inner.args[i]) return false;
    if (!width::intersect(*inner.args[i], width::complement(*outer.args[i])).is_empty()) return false;
  }
  return true;
}

// The one argument two terms differ in, if they differ in exactly one.
std::optional<std::size_t> single_difference(const Term& a, const Term& b) {
  std::optional<std::size_t> diff;
  for (std::size_t i = 0; i < kMaxArgs; ++i) {
    if (a.args[i] == b.args[i]) continue;
    if (diff || !a.args[i] || !b.args[i]) return std::nullopt;
    diff = i;
  }
  return diff;
}

// Sort, dedupe, and merge terms that differ in one argument into one term
// with the union of its sets (a term whose set becomes "any" loses it).
void merge_terms(std::vector<Term>& terms) {
  bool merged = true;
  while (merged) {
    merged = false;
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    for (std::size_t i = 0; i < terms.size() && !merged; ++i)
      for (std::size_t j = i + 1; j < terms.size() && !merged; ++j) {
        auto d = single_difference(terms[i], terms[j]);
        if (!d) continue;
        width::ArgSet u = width::unite(*terms[i].args[*d], *terms[j].args[*d]);
        if (u.is_all())
          terms[i].args[*d].reset();
        else
          terms[i].args[*d] = std::move(u);
        terms.erase(terms.begin() + static_cast<std::ptrdiff_t>(j));
        merged = true;
      }
  }
  auto whole = std::find_if(terms.begin(), terms.end(), [](const Term& t) { return t.unconditional(); });
  if (whole != terms.end()) terms = {*whole};
}

unsigned arg_bits(Arch arch, std::string_view name, std::size_t index) {
  return arg_width(arch, name, static_cast<unsigned>(index)) == ArgWidth::Bits32 ? 32 : 64;
}

class Planner {
 public:
  Planner(std::span<const InputRule> rules, Arch arch, Context& ctx)
      : rules_(rules), arch_(arch), ctx_(ctx), table_(syscall_table(arch)) {}

  ArchPlan run() {
    ArchPlan out;
    out.arch = arch_;
    if (table_ == nullptr) return out;
    collect();
    for (auto& [nr, candidates] : by_nr_) {
      SyscallPlan sp = resolve(nr, candidates);
      for (const ActionRegion& r : sp.regions)
        for (std::size_t rule : r.rules) ctx_.compiled[rule] = true;
      if (!sp.regions.empty()) out.syscalls.push_back(std::move(sp));
    }
    return out;
  }

 private:
  void collect() {
    for (std::size_t r = 0; r < rules_.size(); ++r) {
      if (!rules_[r].usable) continue;
      const SyscallRule& rule = *rules_[r].rule;
      for (const std::string& name : rule.names) {
        auto nr = table_->number(name);
        if (!nr) continue;  // reported once for all arches by the compiler
        if (auto term = rule_term(r, name)) by_nr_[*nr].push_back({std::move(*term), r});
        names_[*nr] = *table_->name(*nr);
      }
    }
  }

  std::optional<Term> rule_term(std::size_t r, std::string_view name) {
    const SyscallRule& rule = *rules_[r].rule;
    Term t;
    for (const ArgCondition& c : rule.args) {
      const std::size_t index = static_cast<std::size_t>(c.index);
      const unsigned bits = arg_bits(arch_, name, index);
      width_warning(r, name, c, bits);
      auto set = width::condition_set(c.op, c.value, c.value_two.value_or(0), bits);
      if (!constrain(t, index, set)) {
        report(r, r, std::string(name), Severity::Warning, Code::RuleNeverMatches,
               "the conditions of this rule can never all hold for " + quoted(name) + " on " +
                   std::string(short_name(arch_)) + "; it has no effect there",
               {}, true);
        return std::nullopt;
      }
    }
    return t;
  }

  void width_warning(std::size_t r, std::string_view name, const ArgCondition& c, unsigned bits) {
    if (bits != 32) return;
    const std::uint64_t datum = c.op == Operator::MaskedEq ? c.value_two.value_or(0) : c.value;
    if (datum <= 0xffffffffu) return;
    auto set = width::condition_set(c.op, c.value, c.value_two.value_or(0), bits);
    const char* effect = set.is_all() ? "always holds" : set.is_empty() ? "never holds" : "holds only for some values";
    report(r, r, std::string(name) + "/" + std::to_string(c.index), Severity::Warning,
           Code::WidthUnsafeComparison,
           "argument " + std::to_string(c.index) + " of " + quoted(name) + " is 32 bits wide on " +
               std::string(short_name(arch_)) + " and the kernel reads only its low half; value " +
               std::to_string(datum) + " does not fit, so the condition " + effect,
           c.pointer, true);
  }

  // Regions in precedence order, the code tries them in that order: the
  // first match is the most restrictive one. Overlaps are reported; a class
  // after an unconditional one is unreachable; trailing regions with the
  // default action decide nothing the fallthrough does not.
  SyscallPlan resolve(std::uint32_t nr, std::vector<Sourced>& candidates) {
    SyscallPlan sp;
    sp.nr = nr;
    sp.name = names_[nr];
    std::map<std::int32_t, std::vector<Sourced>> classes;  // precedence order
    for (Sourced& s : candidates)
      classes[static_cast<std::int32_t>(rules_[s.rule].action)].push_back(std::move(s));
    std::vector<Sourced> higher;
    bool reachable = true;
    for (auto& [key, members] : classes) {
      simplify(members, sp.name);
      ActionRegion region{static_cast<std::uint32_t>(key), {}, {}};
      for (const Sourced& s : members) {
        for (const Sourced& h : higher)
          if (!terms_disjoint(s.term, h.term)) conflict(s, h, sp.name, term_within(s.term, h.term));
        region.terms.push_back(s.term);
        region.rules.push_back(s.rule);
      }
      higher.insert(higher.end(), members.begin(), members.end());
      if (!reachable) continue;
      merge_terms(region.terms);
      std::sort(region.rules.begin(), region.rules.end());
      region.rules.erase(std::unique(region.rules.begin(), region.rules.end()), region.rules.end());
      reachable = !region.terms.front().unconditional();
      sp.regions.push_back(std::move(region));
    }
    while (!sp.regions.empty() && sp.regions.back().action == ctx_.default_action)
      sp.regions.pop_back();
    return sp;
  }

  // Within one action: one unconditional term makes the others redundant.
  void simplify(std::vector<Sourced>& members, std::string_view name) {
    std::sort(members.begin(), members.end());
    auto whole = std::find_if(members.begin(), members.end(),
                              [](const Sourced& s) { return s.term.unconditional(); });
    if (whole == members.end()) return;
    const Sourced keep = *whole;
    for (const Sourced& s : members)
      if (s.rule != keep.rule && !s.term.unconditional())
        report(s.rule, keep.rule, std::string(name), Severity::Note, Code::DuplicateRule,
               "the conditions of this rule for " + quoted(name) +
                   " are redundant: the rule at " + pointer(keep.rule) +
                   " allows the same action for every call");
    members = {keep};
  }

  void conflict(const Sourced& low, const Sourced& high, std::string_view name, bool whole) {
    const std::uint32_t a = rules_[low.rule].action, b = rules_[high.rule].action;
    report(low.rule, high.rule, std::string(name), Severity::Warning, Code::ConflictingRule,
           "this rule (" + describe(a) + ") and the rule at " + pointer(high.rule) + " (" +
               describe(b) + ") both match some calls of " + quoted(name) + "; " + describe(b) +
               " wins there, being more restrictive" +
               (whole ? ", so this rule never applies to " + quoted(name) : std::string()));
  }

  std::string pointer(std::size_t rule) const { return rules_[rule].rule->pointer; }

  // Once per (rule, other rule, key, code) over all arches; a per-arch
  // message (it names the arch) once per arch.
  void report(std::size_t rule, std::size_t other, std::string key, Severity sev, Code code,
              std::string message, std::string where = {}, bool per_arch = false) {
    if (per_arch) key += "@" + std::string(short_name(arch_));
    key += "#" + std::string(diagnostic_code_name(code));
    if (!ctx_.reported.insert({rule, other, key}).second) return;
    Diagnostic d;
    d.severity = sev;
    d.code = code;
    d.pointer = where.empty() ? pointer(rule) : std::move(where);
    d.message = std::move(message);
    ctx_.diagnostics->add(std::move(d));
  }

  std::span<const InputRule> rules_;
  Arch arch_;
  Context& ctx_;
  const SyscallTable* table_;
  std::map<std::uint32_t, std::vector<Sourced>> by_nr_;
  std::map<std::uint32_t, std::string_view> names_;
};

}  // namespace

bool Term::unconditional() const {
  return std::none_of(args.begin(), args.end(), [](const auto& a) { return a.has_value(); });
}

bool more_restrictive(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a) < static_cast<std::int32_t>(b);
}

ArchPlan plan_arch(std::span<const InputRule> rules, Arch arch, Context& context) {
  return Planner(rules, arch, context).run();
}

}  // namespace scc::plan
