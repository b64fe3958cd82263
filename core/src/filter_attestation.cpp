#include "scc/filter_attestation.hpp"

#include <linux/seccomp.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>

#include "scc/names.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

std::int32_t action_only(std::uint32_t ret) {
  return static_cast<std::int32_t>(ret & SECCOMP_RET_ACTION_FULL);
}

bool lets_call_run(std::uint32_t ret) {
  const std::uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
  return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG || action == SECCOMP_RET_TRACE ||
         action == SECCOMP_RET_USER_NOTIF;
}

bool is_32_bit_arch(Arch arch) { return arch == Arch::X86 || arch == Arch::Arm; }

struct ToleranceText {
  Tolerance tolerance;
  std::string_view name;
  std::string_view reason;
};

constexpr ToleranceText kTolerances[] = {
    {Tolerance::RuncEnosysStub, "runc-enosys-stub",
     "runc answers syscalls above the highest one the profile names with ENOSYS (so programs fall back from "
     "syscalls newer than the profile); the call is still denied"},
    {Tolerance::HighBitsOf32BitArgument, "32-bit-argument-high-bits",
     "only values with high bits set in an argument the kernel reads as 32 bits: the runtime's libseccomp "
     "compares all 64 bits, the profile is compiled for what the syscall reads"},
    {Tolerance::UnknownToLibseccomp, "unknown-to-libseccomp",
     "the linked libseccomp does not know this syscall, so runtimes built on it drop the profile's rules for "
     "it; the live filter denies at least what the profile denies"},
};

bool names(const Profile& flat, std::string_view syscall) {
  for (const SyscallRule& r : flat.syscalls)
    if (std::find(r.names.begin(), r.names.end(), syscall) != r.names.end()) return true;
  return false;
}

// The highest number of `arch` the profile names that libseccomp can
// resolve: where runc's ENOSYS stub starts.
std::uint32_t highest_resolvable(const Profile& flat, Arch arch) {
  std::uint32_t highest = 0;
  const SyscallTable* table = syscall_table(arch);
  if (table == nullptr) return highest;
  for (const SyscallRule& r : flat.syscalls)
    for (const std::string& name : r.names)
      if (auto nr = table->number(name); nr && libseccomp_knows(arch, name)) highest = std::max(highest, *nr);
  return highest;
}

bool is_stub(const SyscallDifference& d, const ExpectedFilter& expected) {
  if (expected.flat == nullptr || d.name.empty() || names(*expected.flat, d.name)) return false;
  if (d.numbers.first <= highest_resolvable(*expected.flat, d.arch)) return false;
  const std::uint32_t default_verdict = normalise_verdict(expected.default_action);
  return std::all_of(d.regions.begin(), d.regions.end(), [&](const Region& r) {
    return r.verdict_a == (SECCOMP_RET_ERRNO | ENOSYS) && r.verdict_b == default_verdict;
  });
}

bool only_high_bits_of_32bit_args(const SyscallDifference& d, const Region& r) {
  for (unsigned i = 0; i < 6; ++i)
    if ((is_32_bit_arch(d.arch) || arg_width(d.arch, d.name, i) == ArgWidth::Bits32) &&
        !r.fields[i].high.contains(0))
      return true;
  return false;
}

std::optional<Tolerance> region_tolerance(const SyscallDifference& d, const Region& r) {
  if (d.name.empty()) return std::nullopt;
  if (only_high_bits_of_32bit_args(d, r)) return Tolerance::HighBitsOf32BitArgument;
  if (!libseccomp_knows(d.arch, d.name) && !(lets_call_run(r.verdict_a) && !lets_call_run(r.verdict_b)))
    return Tolerance::UnknownToLibseccomp;
  return std::nullopt;
}

// A value of `w`, for messages: the smallest one tried first.
std::uint32_t member_of(const WordSet& w) {
  const std::uint32_t guess = (w.first & ~w.mask) | w.bits;
  return w.contains(guess) ? guess : w.contains(w.first) ? w.first : w.bits;
}

FilterMismatch mismatch_of(const SyscallDifference& d) {
  FilterMismatch m;
  m.arch = d.arch;
  m.syscall = d.name;
  m.nr = d.numbers.first;
  if (d.regions.empty()) return m;
  const Region& r = d.regions.front();
  for (unsigned i = 0; i < 6; ++i)
    m.args[i] = (static_cast<std::uint64_t>(member_of(r.fields[i].high)) << 32) | member_of(r.fields[i].low);
  m.live = r.verdict_a;
  m.expected = r.verdict_b;
  return m;
}

// Split the differences into tolerated ones and mismatches.
void classify(std::vector<SyscallDifference> differences, const ExpectedFilter& expected, Attestation& out) {
  for (SyscallDifference& d : differences) {
    if (is_stub(d, expected)) {
      out.tolerated.push_back({Tolerance::RuncEnosysStub, std::move(d)});
      continue;
    }
    SyscallDifference real = d;
    real.regions.clear();
    std::vector<ToleratedDifference> tolerated;
    for (const Region& r : d.regions) {
      std::optional<Tolerance> t = region_tolerance(d, r);
      if (!t) {
        real.regions.push_back(r);
        continue;
      }
      auto group = std::find_if(tolerated.begin(), tolerated.end(),
                                [&](const ToleratedDifference& g) { return g.tolerance == *t; });
      if (group == tolerated.end()) {
        SyscallDifference part = d;
        part.regions.clear();
        part.regions_omitted = 0;
        tolerated.push_back({*t, std::move(part)});
        group = std::prev(tolerated.end());
      }
      group->difference.regions.push_back(r);
    }
    // Regions not listed cannot be classified: they count as mismatches.
    if (!real.regions.empty() || real.regions_omitted > 0) out.mismatches.differences.push_back(std::move(real));
    for (ToleratedDifference& t : tolerated) out.tolerated.push_back(std::move(t));
  }
}

}  // namespace

std::string_view to_string(Tolerance tolerance) {
  for (const ToleranceText& t : kTolerances)
    if (t.tolerance == tolerance) return t.name;
  return "";
}

std::string_view tolerance_reason(Tolerance tolerance) {
  for (const ToleranceText& t : kTolerances)
    if (t.tolerance == tolerance) return t.reason;
  return "";
}

Result<std::uint32_t> evaluate_stack(std::span<const bpf::Program> stack, const bpf::SeccompData& data) {
  Result<std::uint32_t> result;
  std::uint32_t ret = SECCOMP_RET_ALLOW;
  for (const bpf::Program& program : stack) {
    Result<bpf::Evaluation> r = bpf::evaluate_prechecked(program, data);
    if (!r.ok()) {
      result.diagnostics = r.diagnostics;
      return result;
    }
    // kernel/seccomp.c seccomp_run_filters(): newest first, strictly lower wins.
    if (action_only(r.value->ret) < action_only(ret)) ret = r.value->ret;
  }
  result.value = ret;
  return result;
}

Result<Attestation> attest_filters(std::span<const bpf::Program> live, const ExpectedFilter& expected,
                                   std::span<const Arch> arches) {
  Result<Attestation> result;
  Attestation report;
  report.byte_identical = live.size() == 1 && live.front() == expected.program;
  if (report.byte_identical && expected.identical_shortcut) {
    result.value = std::move(report);
    return result;
  }
  DiffOptions options;
  options.known_numbers_only = true;
  options.arches.assign(arches.begin(), arches.end());
  options.max_regions = 256;
  Result<DiffResult> diff = diff_programs(live, std::span(&expected.program, 1), options);
  result.diagnostics = diff.diagnostics;
  if (!diff.ok()) return result;
  std::vector<SyscallDifference> differences = std::move(diff.value->differences);
  report.mismatches = std::move(*diff.value);
  report.mismatches.differences.clear();
  classify(std::move(differences), expected, report);
  report.mismatches.equivalent = report.mismatches.differences.empty();
  if (!report.mismatches.equivalent) report.mismatch = mismatch_of(report.mismatches.differences.front());
  result.value = std::move(report);
  return result;
}

std::string describe(const FilterMismatch& m) {
  std::string args;
  for (std::uint64_t a : m.args) {
    char buf[24];
    std::snprintf(buf, sizeof buf, a < 10 ? "%llu" : "0x%llx", static_cast<unsigned long long>(a));
    args += (args.empty() ? "" : " ") + std::string(buf);
  }
  return std::string(short_name(m.arch)) + " " + m.syscall + "(nr " + std::to_string(m.nr) + ", args " + args +
         "): live " + bpf::describe_return(m.live) + ", expected " + bpf::describe_return(m.expected);
}

std::string describe_tolerated(const std::vector<ToleratedDifference>& tolerated) {
  constexpr std::size_t kListed = 6;
  if (tolerated.empty()) return "";
  std::string out = std::to_string(tolerated.size()) + " tolerated:";
  for (std::size_t i = 0; i < tolerated.size() && i < kListed; ++i) {
    const ToleratedDifference& t = tolerated[i];
    out += std::string(i == 0 ? " " : ", ") + std::string(to_string(t.tolerance)) + " " +
           std::string(short_name(t.difference.arch)) + ":" + t.difference.name;
  }
  if (tolerated.size() > kListed) out += " and " + std::to_string(tolerated.size() - kListed) + " more";
  return out;
}

}  // namespace scc
