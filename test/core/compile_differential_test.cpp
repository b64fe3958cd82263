// Differential tests (DESIGN.md section 11, layer 3): the program compile()
// builds, run in the emulator, against decide() (profile_semantics.hpp), which
// reads the profile's meaning without any of the compiler's code. Inputs:
// every profile of ../shared/corpus resolved for x86_64 and aarch64 (Docker's
// default caps, and with CAP_SYS_ADMIN; kernel 6.18), and seeded random
// profiles. Vectors: every syscall number 0..1023, the x32 numbers, every
// number the tables know, odd numbers (-1, 0x7fffffff, ...), and boundary
// argument values around every constant of the rules.
#include <doctest/doctest.h>

#include <linux/audit.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "scc/capabilities.hpp"
#include "scc/compile.hpp"
#include "scc/names.hpp"
#include "scc/oci_json.hpp"
#include "scc/profile_semantics.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "scc/syscall_table.hpp"
#include "support/random_profile.hpp"
#include "support/support.hpp"

using namespace scc;

namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;
constexpr std::size_t kMaxPrinted = 5;

struct ArchSet {
  const char* label;
  Arch resolve_for;
  std::vector<Arch> arches;
  std::uint32_t foreign_audit;  // an arch not targeted: must meet the bad-arch action
};

const ArchSet kX86Set{"x86_64+x86+x32", Arch::X86_64, {Arch::X86_64, Arch::X86, Arch::X32},
                      AUDIT_ARCH_AARCH64};
const ArchSet kArmSet{"aarch64+arm", Arch::Aarch64, {Arch::Aarch64, Arch::Arm}, AUDIT_ARCH_X86_64};

struct Tally {
  std::size_t profiles = 0;
  std::size_t programs = 0;  // profile x arch set
  std::size_t vectors = 0;
  std::size_t disagreements = 0;
};

bpf::SeccompData data_for(std::uint32_t audit, std::uint32_t nr, std::array<std::uint64_t, 6> args = {}) {
  bpf::SeccompData d;
  d.arch = audit;
  d.nr = static_cast<std::int32_t>(nr);
  d.args = args;
  return d;
}

std::string hex(std::uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

std::string describe(const bpf::SeccompData& d) {
  std::string out = "arch=" + hex(d.arch) + " nr=" + hex(static_cast<std::uint32_t>(d.nr)) + " args=[";
  for (std::size_t i = 0; i < d.args.size(); ++i) out += (i ? "," : "") + hex(d.args[i]);
  return out + "]";
}

// Syscall numbers: 0..1023 on every targeted arch, the x32 ones, every known
// number, odd ones; and the same sweep on an arch that is not targeted.
std::vector<bpf::SeccompData> number_vectors(const ArchSet& set) {
  std::set<std::uint32_t> audits{set.foreign_audit};
  for (Arch a : set.arches) audits.insert(audit_arch(a));
  const std::vector<std::uint32_t> odd{0xffffffff, 0x3fffffff, 0x7fffffff, 0x80000000, 0xbfffffff,
                                       0xc0000000, 0x40000400, 0x000f0000, 0x000f0007, 0xfffffffe};
  std::vector<bpf::SeccompData> out;
  for (std::uint32_t audit : audits) {
    std::set<std::uint32_t> numbers(odd.begin(), odd.end());
    for (std::uint32_t nr = 0; nr < 1024; ++nr) numbers.insert(nr);
    if (audit == AUDIT_ARCH_X86_64)
      for (std::uint32_t nr = 0; nr < 1024; ++nr) numbers.insert(kX32Bit | nr);
    for (Arch a : set.arches)
      if (audit_arch(a) == audit)
        for (const SyscallEntry& e : syscall_table(a)->entries()) numbers.insert(e.number);
    for (std::uint32_t nr : numbers) out.push_back(data_for(audit, nr));
  }
  return out;
}

// 0, 1, v-1, v, v+1, 2^31, 2^32-1, 2^32+v, 2^63, 2^64-1 for every constant v.
std::vector<std::uint64_t> boundary_values(const std::set<std::uint64_t>& constants) {
  std::set<std::uint64_t> out{0, 1, 1ULL << 31, 0xffffffffULL, 1ULL << 63, ~0ULL};
  for (std::uint64_t v : constants) out.insert({v - 1, v, v + 1, (1ULL << 32) + v});
  return {out.begin(), out.end()};
}

struct ArgPlan {
  std::set<std::uint64_t> constants;
  std::set<std::size_t> indexes;  // conditioned arguments
};

// For each syscall name with argument conditions, its constants and indexes.
std::map<std::string, ArgPlan> argument_plans(const Profile& flat) {
  std::map<std::string, ArgPlan> plans;
  for (const SyscallRule& rule : flat.syscalls)
    for (const std::string& name : rule.names)
      for (const ArgCondition& c : rule.args) {
        ArgPlan& plan = plans[name];
        plan.constants.insert(c.value);
        if (c.value_two) plan.constants.insert(*c.value_two);
        if (c.index < 6) plan.indexes.insert(static_cast<std::size_t>(c.index));
      }
  return plans;
}

// Each conditioned argument (and one other) varied alone over the boundary
// values with the others 0, plus random combinations of them.
std::vector<bpf::SeccompData> argument_vectors(const Profile& flat, const ArchSet& set,
                                               std::mt19937_64& rng) {
  std::vector<bpf::SeccompData> out;
  for (const auto& [name, plan] : argument_plans(flat)) {
    const std::vector<std::uint64_t> values = boundary_values(plan.constants);
    std::set<std::size_t> varied = plan.indexes;
    varied.insert(static_cast<std::size_t>(rng() % 6));
    for (Arch a : set.arches) {
      const auto nr = syscall_table(a)->number(name);
      if (!nr) continue;
      for (std::size_t i : varied)
        for (std::uint64_t v : values) {
          std::array<std::uint64_t, 6> args{};
          args[i] = v;
          out.push_back(data_for(audit_arch(a), *nr, args));
        }
      for (int k = 0; k < 12; ++k) {
        std::array<std::uint64_t, 6> args{};
        for (std::size_t i : varied) args[i] = values[rng() % values.size()];
        out.push_back(data_for(audit_arch(a), *nr, args));
      }
    }
  }
  return out;
}

void print_disagreement(const std::string& label, const Profile& flat, const bpf::SeccompData& d,
                        std::uint32_t program, const Verdict& reference) {
  std::cout << "DISAGREEMENT " << label << ": " << describe(d)
            << "\n  program:   " << bpf::describe_return(program)
            << "\n  reference: " << bpf::describe_return(reference.ret)
            << (reference.rule ? " (rule " + flat.syscalls[*reference.rule].pointer + ")" : "")
            << "\n  profile:\n" << to_oci_json_text(flat);
}

std::string error_lines(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::Error) out += "\n  " + d.pointer + ": " + d.message;
  return out;
}

// Compare the program compiled from `flat` with the reference on every vector.
void compare_program(const Profile& flat, const ArchSet& set, const CompileOptions& options,
                     const CompiledFilter& compiled, const std::string& label,
                     std::mt19937_64& rng, Tally& tally) {
  const bpf::Program& program = compiled.program;
  REQUIRE(bpf::check(program).empty());
  DecideOptions reference_options;
  reference_options.arches = set.arches;
  reference_options.enosys_horizon = options.enosys_horizon;
  // compile.hpp: KILL_PROCESS unless the option says otherwise.
  reference_options.bad_arch_action = options.bad_arch_action.value_or(SECCOMP_RET_KILL_PROCESS);
  std::vector<bpf::SeccompData> vectors = number_vectors(set);
  for (const auto& d : argument_vectors(flat, set, rng)) vectors.push_back(d);
  std::size_t printed = 0;
  for (const bpf::SeccompData& d : vectors) {
    auto run = bpf::evaluate_prechecked(program, d);
    if (!run.value) FAIL(label << ": the program faults on " << describe(d));
    const Verdict reference = decide(flat, reference_options, d);
    if (run.value->ret == reference.ret) continue;
    ++tally.disagreements;
    if (printed++ < kMaxPrinted) print_disagreement(label, flat, d, run.value->ret, reference);
  }
  tally.vectors += vectors.size();
  ++tally.programs;
}

// Compile `flat` for `set`; an error fails the test.
void compare(const Profile& flat, const ArchSet& set, const CompileOptions& base,
             const std::string& label, std::mt19937_64& rng, Tally& tally) {
  CompileOptions options = base;
  options.arches = set.arches;
  auto compiled = compile(flat, options);
  REQUIRE_MESSAGE(compiled.ok(), label << error_lines(compiled.diagnostics));
  compare_program(flat, set, options, *compiled.value, label, rng, tally);
}

void print_tally(const std::string& what, const Tally& t) {
  std::cout << "differential " << what << ": " << t.profiles << " profiles, " << t.programs
            << " programs (profile x arch set), " << t.vectors << " vectors, " << t.disagreements
            << " disagreements\n";
}

// Every option combination the compiler has, spread over the random profiles.
CompileOptions options_for(std::uint64_t i) {
  CompileOptions o;
  constexpr std::array<CompileOptions::Tree, 3> trees{
      CompileOptions::Tree::Auto, CompileOptions::Tree::Linear, CompileOptions::Tree::Binary};
  o.tree = trees[i % trees.size()];
  constexpr std::array<std::size_t, 3> hole_runs{16, 0, 64};
  o.max_tree_hole_run = hole_runs[(i / 3) % hole_runs.size()];
  o.enosys_horizon = i % 7 != 3;
  if (i % 5 == 1) o.bad_arch_action = SECCOMP_RET_KILL_THREAD;
  if (i % 5 == 2) o.bad_arch_action = SECCOMP_RET_ERRNO | 95;
  return o;
}

void random_profiles(const ArchSet& set, std::uint64_t first_seed, std::size_t count) {
  Tally tally;
  std::mt19937_64 rng(first_seed);
  for (std::uint64_t seed = first_seed; seed < first_seed + count; ++seed) {
    const Profile flat = test::random_profile(seed, set.arches);
    compare(flat, set, options_for(seed), std::string(set.label) + " seed " + std::to_string(seed),
            rng, tally);
    ++tally.profiles;
  }
  print_tally(std::string("random profiles on ") + set.label, tally);
  CHECK(tally.profiles == count);
  CHECK(tally.disagreements == 0);
}

// The flat profiles of one corpus file (none for the file that is not a profile).
std::vector<Profile> corpus_profiles(const std::filesystem::path& file) {
  auto doc = read_document(test::read_file(file));
  if (!doc.value) return {};
  return doc.value->profiles;
}

}  // namespace

TEST_CASE("differential: every corpus profile agrees with the reference on x86_64+x86+x32 and aarch64+arm") {
  test::skip_unless_shared();
  Tally tally;
  std::set<std::string> rejected;
  std::mt19937_64 rng(2024);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(test::shared_dir() / "corpus"))
    files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    for (const Profile& profile : corpus_profiles(file)) {
      ++tally.profiles;
      for (const ArchSet* set : {&kX86Set, &kArmSet})
        for (bool sys_admin : {false, true}) {
          Target target{set->resolve_for, docker_default_caps(), KernelVersion{6, 18}};
          if (sys_admin) target.caps.push_back("CAP_SYS_ADMIN");
          auto flat = resolve(profile, target);
          const std::string label = file.filename().string() + " " + profile.name + " " +
                                    set->label + (sys_admin ? " +CAP_SYS_ADMIN" : "");
          REQUIRE_MESSAGE(flat.ok(), label << error_lines(flat.diagnostics));
          CompileOptions options;
          options.arches = set->arches;
          auto compiled = compile(*flat.value, options);
          if (!compiled.ok()) {
            for (const Diagnostic& d : compiled.diagnostics)
              if (d.severity == Severity::Error)
                rejected.insert(file.filename().string() + " " + d.pointer);
            continue;
          }
          compare_program(*flat.value, *set, options, *compiled.value, label, rng, tally);
        }
    }
  }
  print_tally("corpus", tally);
  CHECK(tally.profiles == 12);  // 9 files hold one, the SPO stream 4, hooks.d none
  // The one corpus profile compile() must refuse: errnoRet 12345 does not fit
  // the errno range (moby's example of a custom errno).
  std::string all_rejected;
  for (const std::string& r : rejected) all_rejected += r + "\n";
  CHECK(all_rejected == "moby-example.json /syscalls/3/errnoRet\n");
  CHECK(tally.disagreements == 0);
}

TEST_CASE("differential: 200 random profiles agree with the reference on x86_64+x86+x32") {
  random_profiles(kX86Set, 1000, 200);
}

TEST_CASE("differential: 200 random profiles agree with the reference on aarch64+arm") {
  random_profiles(kArmSet, 5000, 200);
}
