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
#include "scc/names.hpp"
#include "scc/semantic_diff.hpp"
#include "scc/syscall_table.hpp"

namespace scc::convert {
namespace {

// What the profile says about syscall names, per arch, for the notes.
struct ProfileFacts {
  const Profile* flat = nullptr;
  std::uint32_t default_verdict = 0;

  std::vector<const SyscallRule*> rules_naming(const std::string& name) const {
    std::vector<const SyscallRule*> out;
    if (flat == nullptr) return out;
    for (const SyscallRule& r : flat->syscalls)
      if (std::find(r.names.begin(), r.names.end(), name) != r.names.end()) out.push_back(&r);
    return out;
  }
  // The highest number of `arch` the profile names that libseccomp can
  // resolve: where runc's ENOSYS stub starts.
  std::uint32_t highest_resolvable(Arch arch) const {
    std::uint32_t highest = 0;
    const SyscallTable* table = syscall_table(arch);
    if (flat == nullptr || table == nullptr) return highest;
    for (const SyscallRule& r : flat->syscalls)
      for (const std::string& name : r.names)
        if (auto nr = table->number(name); nr && libseccomp_knows(arch, name)) highest = std::max(highest, *nr);
    return highest;
  }
};

bool is_stub(const SyscallDifference& d, const ProfileFacts& facts) {
  if (d.name.empty() || !facts.rules_naming(d.name).empty()) return false;
  if (d.numbers.first <= facts.highest_resolvable(d.arch)) return false;
  return std::all_of(d.regions.begin(), d.regions.end(), [&](const Region& r) {
    return r.verdict_a == (SECCOMP_RET_ERRNO | ENOSYS) && r.verdict_b == facts.default_verdict;
  });
}

bool only_high_bits_of_32bit_args(const SyscallDifference& d) {
  return std::all_of(d.regions.begin(), d.regions.end(), [&](const Region& r) {
    for (unsigned i = 0; i < 6; ++i)
      if (arg_width(d.arch, d.name, i) == ArgWidth::Bits32 && r.fields[i].high.mask == 0 && r.fields[i].high.first > 0)
        return true;
    return false;
  });
}

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
                  ": runtimes built on it drop the profile's rules for it");
  if (only_high_bits_of_32bit_args(d))
    out.push_back("differs only when a 32-bit argument has high bits set: the live filter compares all 64 "
                  "bits, the kernel reads the low 32 (the profile is compiled for what the kernel reads)");
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

void print_stub(const std::vector<SyscallDifference>& stub) {
  if (stub.empty()) return;
  std::cout << "runc's ENOSYS stub answers " << stub.size()
            << (stub.size() == 1 ? " syscall" : " syscalls")
            << " the profile does not name, above the highest it names (not counted):";
  for (const SyscallDifference& d : stub) std::cout << " " << short_name(d.arch) << ":" << d.name;
  std::cout << "\n";
}

}  // namespace

int inspect_against(const std::vector<bpf::Program>& live, pid_t pid, const std::string& profile_path) {
  Result<DiffInput> input = read_diff_input(profile_path);
  print_diagnostics(std::cerr, display_name(profile_path), input.diagnostics);
  if (!input.ok()) return kExitProblems;
  Result<InputProgram> expected = input_program(*input.value, default_target(), {});
  print_diagnostics(std::cerr, input.value->file, expected.diagnostics);
  if (!expected.ok()) return kExitProblems;
  DiffOptions options;
  options.known_numbers_only = true;
  for (Arch arch : expected.value->arches.empty() ? std::vector<Arch>{native_arch()} : expected.value->arches)
    if (has_table(arch)) options.arches.push_back(arch);
  auto result = diff_programs(live, std::span(&expected.value->program, 1), options);
  print_diagnostics(std::cerr, "pid " + std::to_string(pid), result.diagnostics);
  if (!result.ok()) return kExitProblems;
  ProfileFacts facts;
  if (expected.value->flat) facts.flat = &*expected.value->flat;
  facts.default_verdict = normalise_verdict(expected.value->default_action);
  std::vector<SyscallDifference> stub;
  auto& differences = result.value->differences;
  for (auto it = differences.begin(); it != differences.end();)
    if (is_stub(*it, facts)) {
      stub.push_back(std::move(*it));
      it = differences.erase(it);
    } else {
      ++it;
    }
  result.value->equivalent = differences.empty();
  std::cout << "\nagainst " << input.value->file << ", compiled for " << arch_list(options.arches)
            << " (syscall numbers outside the tables are not compared: runc answers them with its own "
               "ENOSYS stub, crun with the default action)\n";
  DiffLabels labels{"live", "profile", [&facts](const SyscallDifference& d) { return notes(d, facts); }};
  print_diff_text(std::cout, *result.value, options.arches, labels);
  print_stub(stub);
  return result.value->equivalent ? kExitOk : kExitProblems;
}

}  // namespace scc::convert
