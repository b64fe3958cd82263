// inspect --against (inspect_against.hpp).
#include "inspect_against.hpp"

#include <linux/seccomp.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <set>
#include <span>

#include "commands.hpp"
#include "diff_input.hpp"
#include "diff_report.hpp"
#include "report.hpp"
#include "scc/filter_attestation.hpp"
#include "scc/names.hpp"
#include "scc/semantic_diff.hpp"
#include "scc/syscall_table.hpp"

namespace scc::convert {
namespace {

// What the profile says about syscall names, for the notes.
struct ProfileFacts {
  const Profile* flat = nullptr;

  std::vector<const SyscallRule*> rules_naming(const std::string& name) const {
    std::vector<const SyscallRule*> out;
    if (flat == nullptr) return out;
    for (const SyscallRule& r : flat->syscalls)
      if (std::find(r.names.begin(), r.names.end(), name) != r.names.end()) out.push_back(&r);
    return out;
  }
};

bool repeats_an_argument(const SyscallRule& rule) {
  std::set<std::uint64_t> seen;
  for (const ArgCondition& c : rule.args)
    if (!seen.insert(c.index).second) return true;
  return false;
}

std::vector<std::string> notes(const SyscallDifference& d, const ProfileFacts& facts) {
  std::vector<std::string> out;
  if (d.name.empty()) return out;
  const auto rules = facts.rules_naming(d.name);
  const std::string arch(short_name(d.arch));
  if (!rules.empty() && !libseccomp_knows(d.arch, d.name))
    out.push_back("libseccomp does not know " + d.name + " on " + arch +
                  ": runtimes built on it drop the profile's rules for it, and here the live filter is looser");
  if (std::any_of(rules.begin(), rules.end(), [](const SyscallRule* r) { return repeats_an_argument(*r); }))
    out.push_back("a rule for " + d.name + " has several conditions on one argument: runc makes each its own "
                  "rule (any may match), here all must hold");
  std::set<Action> actions;
  for (const SyscallRule* r : rules) actions.insert(r->action);
  if (actions.size() > 1)
    out.push_back("rules with different actions name " + d.name +
                  ": here the most restrictive wins, libseccomp-based runtimes may keep another");
  return out;
}

// The differences attest_filters() tolerates, listed apart with the reason.
void print_tolerated(const std::vector<ToleratedDifference>& tolerated) {
  if (tolerated.empty()) return;
  std::cout << "tolerated (not counted; the same as seccomp-hook poststart tolerates):\n";
  for (Tolerance kind : {Tolerance::RuncEnosysStub, Tolerance::HighBitsOf32BitArgument, Tolerance::UnknownToLibseccomp}) {
    std::string list;
    for (const ToleratedDifference& t : tolerated)
      if (t.tolerance == kind) list += " " + std::string(short_name(t.difference.arch)) + ":" + t.difference.name;
    if (list.empty()) continue;
    std::cout << "  " << to_string(kind) << ":" << list << "\n    why: " << tolerance_reason(kind) << "\n";
  }
}

}  // namespace

int inspect_against(const std::vector<bpf::Program>& live, pid_t pid, const std::string& profile_path) {
  Result<DiffInput> input = read_diff_input(profile_path);
  print_diagnostics(std::cerr, display_name(profile_path), input.diagnostics);
  if (!input.ok()) return kExitProblems;
  Result<InputProgram> expected = input_program(*input.value, default_target(), {});
  print_diagnostics(std::cerr, input.value->file, expected.diagnostics);
  if (!expected.ok()) return kExitProblems;
  std::vector<Arch> arches;
  for (Arch arch : expected.value->arches.empty() ? std::vector<Arch>{native_arch()} : expected.value->arches)
    if (has_table(arch)) arches.push_back(arch);
  const ExpectedFilter want{expected.value->program, expected.value->flat ? &*expected.value->flat : nullptr,
                            expected.value->default_action, false};
  auto result = attest_filters(live, want, arches);
  print_diagnostics(std::cerr, "pid " + std::to_string(pid), result.diagnostics);
  if (!result.ok()) return kExitProblems;
  ProfileFacts facts;
  if (expected.value->flat) facts.flat = &*expected.value->flat;
  std::cout << "\nagainst " << input.value->file << ", compiled for " << arch_list(arches)
            << " (syscall numbers outside the tables are not compared: runc answers them with its own "
               "ENOSYS stub, crun with the default action)\n";
  DiffLabels labels{"live", "profile", [&facts](const SyscallDifference& d) { return notes(d, facts); }};
  print_diff_text(std::cout, result.value->mismatches, arches, labels);
  print_tolerated(result.value->tolerated);
  return result.value->mismatches.equivalent ? kExitOk : kExitProblems;
}

}  // namespace scc::convert
