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

// t minus u as disjoint pieces: t and u_1 .. u_(k-1) and not u_k, for each
// constrained argument k of u.
std::vector<Term> subtract(const Term& t, const Term& u) {
  if (terms_disjoint(t, u)) return {t};
  std::vector<Term> pieces;
  Term prefix = t;
  for (std::size_t i = 0; i < kMaxArgs; ++i) {
    if (!u.args[i]) continue;
    Term piece = prefix;
    if (constrain(piece, i, width::complement(*u.args[i]))) pieces.push_back(std::move(piece));
    if (!constrain(prefix, i, *u.args[i])) break;
  }
  return pieces;
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
      std::size_t count = 0;
      for (const ActionRegion& r : sp.regions)
        for (const Term& t : r.terms) count += expanded_count(t);
      if (count > ctx_.max_rules_per_syscall) {
        too_complex(sp, count);
        continue;
      }
      out.comparisons += count;
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

  SyscallPlan resolve(std::uint32_t nr, std::vector<Sourced>& candidates) {
    SyscallPlan sp;
    sp.nr = nr;
    sp.name = names_[nr];
    overlapped_defaults_.clear();
    std::map<std::int32_t, std::vector<Sourced>> classes;  // precedence order
    for (Sourced& s : candidates)
      classes[static_cast<std::int32_t>(rules_[s.rule].action)].push_back(std::move(s));
    std::vector<Sourced> higher;  // original terms of the classes already placed
    for (auto& [key, members] : classes) {
      const auto action = static_cast<std::uint32_t>(key);
      simplify(members, sp.name);
      ActionRegion region{action, {}, {}};
      for (const Sourced& s : members) {
        std::vector<Term> pieces{s.term};
        for (const Sourced& h : higher) pieces = cut(pieces, s, h, sp.name);
        for (Term& p : pieces) region.terms.push_back(std::move(p));
        if (!pieces.empty()) region.rules.push_back(s.rule);
      }
      higher.insert(higher.end(), members.begin(), members.end());
      if (action == ctx_.default_action || region.terms.empty()) continue;
      std::sort(region.terms.begin(), region.terms.end());
      region.terms.erase(std::unique(region.terms.begin(), region.terms.end()), region.terms.end());
      std::sort(region.rules.begin(), region.rules.end());
      region.rules.erase(std::unique(region.rules.begin(), region.rules.end()), region.rules.end());
      sp.regions.push_back(std::move(region));
    }
    note_default_rules(classes);
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

  std::vector<Term> cut(const std::vector<Term>& pieces, const Sourced& s, const Sourced& h,
                        std::string_view name) {
    std::vector<Term> out;
    bool overlapped = false;
    for (const Term& p : pieces) {
      if (!terms_disjoint(p, h.term)) overlapped = true;
      for (Term& q : subtract(p, h.term)) out.push_back(std::move(q));
    }
    if (overlapped) conflict(s, h, name, out.empty());
    return out;
  }

  void conflict(const Sourced& low, const Sourced& high, std::string_view name, bool whole) {
    overlapped_defaults_.insert(high.rule);
    const std::uint32_t a = rules_[low.rule].action, b = rules_[high.rule].action;
    report(low.rule, high.rule, std::string(name), Severity::Warning, Code::ConflictingRule,
           "this rule (" + describe(a) + ") and the rule at " + pointer(high.rule) + " (" +
               describe(b) + ") both match some calls of " + quoted(name) + "; " + describe(b) +
               " wins there, being more restrictive" +
               (whole ? ", so this rule never applies to " + quoted(name) : std::string()));
  }

  // A rule equal to the default is compiled only through what it cuts; the
  // compiler reports the ones that cut nothing anywhere (rule-equals-default).
  void note_default_rules(const std::map<std::int32_t, std::vector<Sourced>>& classes) {
    auto it = classes.find(static_cast<std::int32_t>(ctx_.default_action));
    if (it == classes.end()) return;
    for (const Sourced& s : it->second)
      if (overlapped_defaults_.count(s.rule) != 0) {
        ctx_.cut_something[s.rule] = true;
        ctx_.compiled[s.rule] = true;
      }
  }

  void too_complex(const SyscallPlan& sp, std::size_t count) {
    for (const ActionRegion& r : sp.regions)
      for (std::size_t rule : r.rules)
        report(rule, rule, std::string(sp.name), Severity::Error, Code::RuleTooComplex,
               "the exact rewrite of the rules for " + quoted(sp.name) + " on " +
                   std::string(short_name(arch_)) + " needs " + std::to_string(count) +
                   " libseccomp rules, more than the limit of " +
                   std::to_string(ctx_.max_rules_per_syscall));
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
  std::set<std::size_t> overlapped_defaults_;
};

}  // namespace

bool Term::unconditional() const {
  return std::none_of(args.begin(), args.end(), [](const auto& a) { return a.has_value(); });
}

bool more_restrictive(std::uint32_t a, std::uint32_t b) {
  return static_cast<std::int32_t>(a) < static_cast<std::int32_t>(b);
}

std::vector<std::vector<scmp_arg_cmp>> expand(const Term& term,
                                              std::optional<std::uint32_t> marker) {
  std::vector<std::vector<scmp_arg_cmp>> out{{}};
  for (std::size_t i = 0; i < kMaxArgs; ++i) {
    if (!term.args[i]) continue;
    const auto alternatives = width::to_comparisons(*term.args[i], static_cast<unsigned>(i), marker);
    std::vector<std::vector<scmp_arg_cmp>> next;
    for (const auto& prefix : out)
      for (const scmp_arg_cmp& c : alternatives) {
        next.push_back(prefix);
        next.back().push_back(c);
      }
    out = std::move(next);
  }
  return out;
}

std::size_t expanded_count(const Term& term, bool marker) {
  std::size_t n = 1;
  for (const auto& a : term.args)
    if (a) n *= std::max<std::size_t>(1, width::comparison_count(*a, marker));
  return n;
}

std::vector<std::uint32_t> wide_high_words(const ArchPlan& plan) {
  std::vector<std::uint32_t> out;
  for (const SyscallPlan& sp : plan.syscalls)
    for (const ActionRegion& r : sp.regions)
      for (const Term& t : r.terms)
        for (std::size_t i = 0; i < kMaxArgs; ++i) {
          if (!t.args[i] || t.args[i]->width() != 64) continue;
          for (const scmp_arg_cmp& c : width::to_comparisons(*t.args[i], static_cast<unsigned>(i))) {
            out.push_back(static_cast<std::uint32_t>(c.datum_a >> 32));
            out.push_back(static_cast<std::uint32_t>(c.datum_b >> 32));
          }
        }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ArchPlan plan_arch(std::span<const InputRule> rules, Arch arch, Context& context) {
  return Planner(rules, arch, context).run();
}

}  // namespace scc::plan
