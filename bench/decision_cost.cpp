// Side-by-side benchmark of our compiler against raw libseccomp on one
// profile (issue 3, "Performance"; performance.md §5 goals G1, G2, G4):
//  1. instructions per decision in the emulator: ours vs libseccomp's tree
//     (OPTIMIZE=2) and linear (OPTIMIZE=1) output for the same resolved rules;
//  2. the share of argument-free allowed syscalls the kernel's constant-action
//     cache can take in our program;
//  3. compile time JSON -> BPF: read+resolve+compile vs libseccomp rule-add +
//     export for the same rules and arch set (median of N runs).
// Every ratio is measured in the same run, on the same machine state.
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "scc/arch.hpp"
#include "scc/bpf.hpp"
#include "scc/bpf_cache.hpp"
#include "scc/capabilities.hpp"
#include "scc/compile.hpp"
#include "scc/names.hpp"
#include "scc/read.hpp"
#include "scc/resolve.hpp"
#include "scc/syscall_table.hpp"

namespace {

using scc::Arch;
using scc::bpf::Program;

constexpr int kTimingRuns = 20;

struct TargetSet {
  const char* label;
  Arch resolve_for;
  std::vector<Arch> arches;
};

// A program and how it was made, for the tables.
struct Built {
  const char* label;
  Program program;
};

// One program's decision cost over an arch set's syscall tables.
struct Cost {
  double avg_all = 0;
  std::size_t max_allowed = 0;
  double avg_denied = 0;
  std::size_t allowed = 0;
  std::size_t denied = 0;
};

std::uint32_t raw_action(const scc::SyscallRule& rule) {
  return scc::seccomp_return(rule.action, static_cast<std::uint16_t>(rule.errno_ret.value_or(0)));
}

std::uint32_t raw_default(const scc::Profile& flat) {
  return scc::seccomp_return(flat.default_action.value_or(scc::Action::Errno),
                             static_cast<std::uint16_t>(flat.default_errno_ret.value_or(0)));
}

std::vector<scmp_arg_cmp> conditions(const scc::SyscallRule& rule) {
  std::vector<scmp_arg_cmp> out;
  for (const scc::ArgCondition& c : rule.args) {
    scmp_arg_cmp cmp{};
    cmp.arg = static_cast<unsigned>(c.index);
    cmp.op = static_cast<scmp_compare>(static_cast<int>(c.op) + 1);  // NE=1 .. MASKED_EQ=7
    cmp.datum_a = c.value;
    cmp.datum_b = c.value_two.value_or(0);
    out.push_back(cmp);
  }
  return out;
}

bool known_to_libseccomp(const std::vector<Arch>& arches, const std::string& name) {
  return std::any_of(arches.begin(), arches.end(),
                     [&](Arch a) { return scc::libseccomp_knows(a, name); });
}

// Rules libseccomp refused (unknown name, equal to the default, ...), for the report.
std::size_t g_refused = 0;

std::optional<Program> export_program(scmp_filter_ctx ctx) {
  const int fd = memfd_create("bench-bpf", 0);
  if (fd < 0) return std::nullopt;
  std::optional<Program> out;
  if (seccomp_export_bpf(ctx, fd) == 0 && lseek(fd, 0, SEEK_SET) == 0) {
    std::vector<std::uint8_t> bytes;
    std::uint8_t buf[8192];
    ssize_t n = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) bytes.insert(bytes.end(), buf, buf + n);
    auto parsed = Program::from_bytes(bytes);
    if (parsed.ok()) out = std::move(*parsed.value);
  }
  close(fd);
  return out;
}

// libseccomp's own program for the resolved rules: the way runc/crun build it.
std::optional<Program> libseccomp_build(const scc::Profile& flat, const std::vector<Arch>& arches,
                                        int optimize) {
  scmp_filter_ctx ctx = seccomp_init(raw_default(flat));
  if (ctx == nullptr) return std::nullopt;
  for (Arch a : arches) seccomp_arch_add(ctx, scmp_arch_token(a).value_or(0));
  if (std::find(arches.begin(), arches.end(), scc::native_arch()) == arches.end())
    seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, static_cast<std::uint32_t>(optimize));
  g_refused = 0;
  for (const scc::SyscallRule& rule : flat.syscalls) {
    const std::vector<scmp_arg_cmp> conds = conditions(rule);
    for (const std::string& name : rule.names) {
      const int nr = known_to_libseccomp(arches, name) ? seccomp_syscall_resolve_name(name.c_str())
                                                      : __NR_SCMP_ERROR;
      if (nr == __NR_SCMP_ERROR ||
          seccomp_rule_add_array(ctx, raw_action(rule), nr, static_cast<unsigned>(conds.size()),
                                 conds.data()) != 0)
        ++g_refused;
    }
  }
  auto program = export_program(ctx);
  seccomp_release(ctx);
  return program;
}

Cost decision_cost(const Program& program, const std::vector<Arch>& arches) {
  Cost cost;
  std::size_t total = 0, count = 0, denied_total = 0;
  for (Arch a : arches) {
    for (const scc::SyscallEntry& e : scc::syscall_table(a)->entries()) {
      scc::bpf::SeccompData data;
      data.nr = static_cast<std::int32_t>(e.number);
      data.arch = scc::audit_arch(a);
      auto run = scc::bpf::evaluate_prechecked(program, data);
      if (!run.ok()) continue;
      const std::size_t n = run.value->instructions;
      total += n;
      ++count;
      if (scc::bpf::action_bits(run.value->ret) == SECCOMP_RET_ALLOW) {
        cost.max_allowed = std::max(cost.max_allowed, n);
        ++cost.allowed;
      } else {
        denied_total += n;
        ++cost.denied;
      }
    }
  }
  cost.avg_all = count ? static_cast<double>(total) / static_cast<double>(count) : 0;
  cost.avg_denied =
      cost.denied ? static_cast<double>(denied_total) / static_cast<double>(cost.denied) : 0;
  return cost;
}

const char* verdict(double ratio, double target) { return ratio <= target ? "PASS" : "MISS"; }

void print_cost_table(const std::vector<Built>& built, const std::vector<Cost>& costs) {
  std::printf("  %-22s %6s %10s %12s %12s %7s/%-7s\n", "program", "insns", "avg(all)",
              "max(allowed)", "avg(denied)", "allowed", "denied");
  for (std::size_t i = 0; i < built.size(); ++i)
    std::printf("  %-22s %6zu %10.1f %12zu %12.1f %7zu/%-7zu\n", built[i].label,
                built[i].program.size(), costs[i].avg_all, costs[i].max_allowed,
                costs[i].avg_denied, costs[i].allowed, costs[i].denied);
}

void print_ratio_row(const char* what, double ours, double tree, double linear) {
  const double rt = tree > 0 ? ours / tree : 0;
  const double rl = linear > 0 ? ours / linear : 0;
  std::printf("  %-14s our/tree %5.2fx (<= 1.00x %s)   our/linear %5.3fx (<= 0.06x %s)\n", what,
              rt, verdict(rt, 1.0), rl, verdict(rl, 0.06));
}

void report_decisions(const std::vector<Built>& built, const std::vector<Arch>& arches) {
  std::vector<Cost> costs;
  for (const Built& b : built) costs.push_back(decision_cost(b.program, arches));
  std::printf("1. instructions per decision (emulator, args = 0)\n");
  print_cost_table(built, costs);
  const Cost &o = costs[0], &t = costs[1], &l = costs[2];
  print_ratio_row("avg(all)", o.avg_all, t.avg_all, l.avg_all);
  print_ratio_row("max(allowed)", static_cast<double>(o.max_allowed),
                  static_cast<double>(t.max_allowed), static_cast<double>(l.max_allowed));
  print_ratio_row("avg(denied)", o.avg_denied, t.avg_denied, l.avg_denied);
}

// Cacheable share of argument-free allowed syscalls (numbers inside the
// kernel's bitmaps; x32 numbers never are).
void report_cache(const char* label, const Program& program, const std::vector<Arch>& arches) {
  for (const scc::bpf::ArchCacheReport& r : scc::bpf::cache_report(program, arches)) {
    const std::size_t eligible = r.allowed_arg_free.size() - r.beyond_bitmap.size();
    const std::size_t cached = eligible - r.uncached.size();
    const double share = eligible ? 100.0 * static_cast<double>(cached) / static_cast<double>(eligible)
                                  : 100.0;
    std::printf("  %-10s %-18s cached %3zu / %3zu eligible (%5.1f %%)  beyond bitmap %3zu%s\n",
                label, std::string(scc::to_string(r.arch)).c_str(), cached, eligible, share,
                r.beyond_bitmap.size(),
                label[0] == 'o' ? (cached == eligible ? "  PASS (100 %)" : "  MISS (100 %)") : "");
  }
}

template <class F>
double median_ms(F&& work, std::vector<double>& samples) {
  const auto start = std::chrono::steady_clock::now();
  work();
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  samples.push_back(took.count());
  std::vector<double> s = samples;
  std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(s.size() / 2), s.end());
  return s[s.size() / 2];
}

std::optional<scc::Profile> resolve_first(const std::string& text, const TargetSet& set) {
  auto doc = scc::read_document(text);
  if (!doc.ok() || doc.value->profiles.empty()) return std::nullopt;
  scc::Target target{set.resolve_for, scc::docker_default_caps(), scc::KernelVersion{6, 18}};
  auto flat = scc::resolve(doc.value->profiles.front(), target);
  if (!flat.ok()) return std::nullopt;
  return std::move(*flat.value);
}

// Interleaved runs so both sides see the same machine load.
void report_compile_time(const std::string& text, const scc::Profile& flat, const TargetSet& set) {
  std::vector<double> ours, theirs;
  double m_ours = 0, m_theirs = 0;
  scc::CompileOptions options;
  options.arches = set.arches;
  for (int i = 0; i < kTimingRuns; ++i) {
    m_ours = median_ms([&] {
      auto f = resolve_first(text, set);
      if (f) (void)scc::compile(*f, options);
    }, ours);
    m_theirs = median_ms([&] { (void)libseccomp_build(flat, set.arches, 2); }, theirs);
  }
  const double ratio = m_ours / m_theirs;
  std::printf("3. compile time JSON->BPF, median of %d (interleaved)\n", kTimingRuns);
  std::printf("  ours read+resolve+compile %8.2f ms   libseccomp tree rule-add+export %8.2f ms\n",
              m_ours, m_theirs);
  std::printf("  ratio %.2fx (<= 1.10x %s)\n", ratio, verdict(ratio, 1.1));
}

bool run_target(const std::string& text, const TargetSet& set) {
  std::printf("\n=== %s (resolved for %s, Docker default caps, kernel 6.18) ===\n", set.label,
              std::string(scc::to_string(set.resolve_for)).c_str());
  auto flat = resolve_first(text, set);
  if (!flat) return std::fprintf(stderr, "cannot read/resolve the profile\n"), false;
  scc::CompileOptions options;
  options.arches = set.arches;
  auto ours = scc::compile(*flat, options);
  if (!ours.ok()) return std::fprintf(stderr, "scc::compile failed\n"), false;
  auto tree = libseccomp_build(*flat, set.arches, 2);
  auto linear = libseccomp_build(*flat, set.arches, 1);
  if (!tree || !linear) return std::fprintf(stderr, "libseccomp build failed\n"), false;
  std::printf("rules: %zu resolved; libseccomp refused %zu name entries (unknown to it or equal "
              "to the default)\n", flat->syscalls.size(), g_refused);
  std::vector<Built> built{{"ours (scc::compile)", ours.value->program},
                           {"libseccomp tree (2)", *tree},
                           {"libseccomp linear (1)", *linear}};
  report_decisions(built, set.arches);
  std::printf("2. constant-action cache (ported seccomp_is_const_allow)\n");
  report_cache("ours", built[0].program, set.arches);
  report_cache("lsc-tree", built[1].program, set.arches);
  report_compile_time(text, *flat, set);
  return true;
}

std::filesystem::path default_profile() {
  const std::filesystem::path source = SCC_SOURCE_DIR;
  const auto moby = source.parent_path() / "shared" / "corpus" / "moby-default.json";
  if (std::filesystem::exists(moby)) return moby;
  return source / "profiles" / "runtime-default.json";
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path path = argc > 1 ? std::filesystem::path(argv[1]) : default_profile();
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::fprintf(stderr, "cannot open %s\n", path.c_str()), 1;
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // The default is shown relative to the source tree, so the output carries no
  // machine-specific path.
  const std::filesystem::path shown =
      argc > 1 ? path : std::filesystem::relative(path, std::filesystem::path(SCC_SOURCE_DIR));
  std::printf("profile: %s%s\n", shown.c_str(), argc > 1 ? "" : " (default)");
  std::printf("libseccomp %u.%u.%u\n", seccomp_version()->major, seccomp_version()->minor,
              seccomp_version()->micro);
  const std::vector<TargetSet> sets{
      {"x86_64+x86+x32", Arch::X86_64, {Arch::X86_64, Arch::X86, Arch::X32}},
      {"aarch64+arm", Arch::Aarch64, {Arch::Aarch64, Arch::Arm}}};
  bool ok = true;
  for (const TargetSet& set : sets) ok = run_target(text, set) && ok;
  return ok ? 0 : 1;
}
