#include "profile_strictness.hpp"

#include <algorithm>
#include <optional>

#include "arg_regions.hpp"
#include "scc/compile.hpp"
#include "scc/names.hpp"
#include "scc/profile_semantics.hpp"

namespace scc {
namespace {

std::vector<const SyscallRule*> rules_for(const Profile& p, std::string_view syscall) {
  std::vector<const SyscallRule*> out;
  for (const SyscallRule& rule : p.syscalls)
    if (std::find(rule.names.begin(), rule.names.end(), syscall) != rule.names.end()) out.push_back(&rule);
  return out;
}

// The program a profile puts in place: none without a default action.
Result<std::vector<bpf::Program>> stack_of(const Profile& flat) {
  Result<std::vector<bpf::Program>> out;
  out.value.emplace();
  if (!flat.default_action) return out;
  Result<CompiledFilter> compiled = compile(flat);
  if (!compiled.ok()) {
    for (const Diagnostic& d : compiled.diagnostics)
      if (d.severity == Severity::Error) out.diagnostics.add(d);
    out.value.reset();
    return out;
  }
  out.value->push_back(std::move(compiled.value->program));
  return out;
}

std::vector<Arch> arches_of(const Profile& flat) {
  Diagnostics ignored;  // arches without tables get the bad-arch action on both sides
  return target_arches(flat, {}, ignored);
}

// The smallest member of a word set (sets from the diff are never empty).
std::uint32_t smallest(const WordSet& set) { return next_matching(set.first, set.mask, set.bits).value_or(set.first); }

std::uint64_t smallest(const ValueSet& set) {
  return (static_cast<std::uint64_t>(smallest(set.high)) << 32) | smallest(set.low);
}

LooserInput looser_input(const SyscallDifference& d, const Region& r) {
  LooserInput in;
  in.arch = d.arch;
  in.syscall = d.name;
  in.nr = smallest(d.numbers);
  in.numbers = describe_numbers(d.numbers, !d.name.empty());
  in.region = describe_region(r);
  for (std::size_t i = 0; i < in.args.size(); ++i) in.args[i] = smallest(r.fields[i]);
  in.candidate = r.verdict_a;
  in.baseline = r.verdict_b;
  return in;
}

std::string subject(const LooserInput& in) {
  return in.syscall.empty() ? "syscall " + in.numbers : in.syscall;
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

Result<StrictnessProof> prove_at_least_as_strict(const Profile& candidate, const Profile& baseline) {
  Result<StrictnessProof> result;
  Result<std::vector<bpf::Program>> mine = stack_of(candidate);
  Result<std::vector<bpf::Program>> theirs = stack_of(baseline);
  result.diagnostics.append(mine.diagnostics);
  result.diagnostics.append(theirs.diagnostics);
  if (!mine.value || !theirs.value) return result;

  StrictnessProof proof;
  auto has = [](const Profile& p) {
    return std::find(p.flags.begin(), p.flags.end(), Flag::SpecAllow) != p.flags.end();
  };
  proof.spec_allow = has(candidate) && !has(baseline);
  // The same program (enforce() on the profile precreate wrote): nothing to compare.
  if (*mine.value == *theirs.value) {
    if (proof.spec_allow) proof.verdict = Strictness::Looser;
    result.value = std::move(proof);
    return result;
  }

  DiffOptions options;
  for (const Profile* p : {&candidate, &baseline})
    for (Arch a : arches_of(*p))
      if (std::find(options.arches.begin(), options.arches.end(), a) == options.arches.end())
        options.arches.push_back(a);
  options.max_regions = std::size_t{1} << 20;  // every region the diff keeps
  Result<DiffResult> diff = diff_programs(*mine.value, *theirs.value, options);
  result.diagnostics.append(diff.diagnostics);
  if (!diff.ok()) return result;

  for (const SyscallDifference& d : diff.value->differences) {
    bool found = false;
    for (const Region& r : d.regions)
      if (action_rank(r.verdict_a) > action_rank(r.verdict_b)) {
        proof.looser.push_back(looser_input(d, r));
        found = true;
      }
    // Regions past the diff's bound may hide a looser one.
    if (!found && d.regions_omitted > 0)
      proof.unsure.push_back(Unproven{d.arch, d.numbers, d.name,
                                      std::to_string(d.regions_omitted) + " differing regions were not listed"});
  }
  for (const Unproven& u : diff.value->unproven) {
    const bool shown_looser = std::any_of(proof.looser.begin(), proof.looser.end(), [&](const LooserInput& in) {
      return in.arch == u.arch && u.numbers.contains(in.nr);
    });
    if (!shown_looser) proof.unsure.push_back(u);
  }
  proof.verdict = proof.spec_allow || !proof.looser.empty() ? Strictness::Looser
                  : !proof.unsure.empty()                   ? Strictness::Unsure
                                                            : Strictness::AtLeastAsStrict;
  result.value = std::move(proof);
  return result;
}

std::string describe_call(const LooserInput& in) {
  std::string out = in.syscall.empty() ? "nr " + describe_number(in.nr) : in.syscall;
  out += "(";
  for (std::size_t i = 0; i < in.args.size(); ++i) out += (i ? ", " : "") + describe_number(in.args[i]);
  return out + ")";
}

Diagnostics check_at_least_as_strict(const Profile& candidate, std::string_view candidate_name,
                                     const Profile& baseline, std::string_view baseline_name) {
  constexpr std::size_t kListed = 8;
  Diagnostics out;
  Result<StrictnessProof> proof = prove_at_least_as_strict(candidate, baseline);
  const std::string unsure = std::string(candidate_name) + " is not provably at least as strict as " +
                             std::string(baseline_name) + ": ";
  if (!proof.ok()) {
    for (const Diagnostic& d : proof.diagnostics)
      if (d.severity == Severity::Error)
        out.error(Code::PolicyViolation, d.pointer, unsure + d.message + " (refused because unsure)");
    return out;
  }
  const std::string looser = std::string(candidate_name) + " is looser than " + std::string(baseline_name) + ": ";
  if (proof.value->spec_allow)
    out.error(Code::PolicyViolation, "", looser + "it sets SECCOMP_FILTER_FLAG_SPEC_ALLOW, the baseline does not");
  // One error per looser syscall (its first looser region).
  std::size_t listed = 0, more = 0;
  for (std::size_t i = 0; i < proof.value->looser.size(); ++i) {
    const LooserInput& in = proof.value->looser[i];
    if (i > 0 && proof.value->looser[i - 1].arch == in.arch && proof.value->looser[i - 1].numbers == in.numbers)
      continue;
    if (listed == kListed) {
      ++more;
      continue;
    }
    ++listed;
    const bool any_args = in.region == "any arguments";
    out.error(Code::PolicyViolation, "",
              looser + "on " + std::string(short_name(in.arch)) + ", " + subject(in) +
                  (any_args ? " with any arguments" : " with " + in.region) + " gets " +
                  bpf::describe_return(in.candidate) + " where the baseline gives " +
                  bpf::describe_return(in.baseline) + ", e.g. " + describe_call(in));
  }
  if (more > 0)
    out.error(Code::PolicyViolation, "", looser + "and " + std::to_string(more) + " more looser syscalls");
  if (proof.value->verdict == Strictness::Unsure)
    for (const Unproven& u : proof.value->unsure)
      out.error(Code::PolicyViolation, "",
                unsure + "on " + std::string(short_name(u.arch)) + ", " +
                    (u.name.empty() ? "syscall " + describe_numbers(u.numbers, false) : u.name) +
                    " was tested, not proven: " + u.reason + " (refused because unsure)");
  return out;
}

}  // namespace scc
