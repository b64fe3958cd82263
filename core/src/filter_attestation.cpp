#include "scc/filter_attestation.hpp"

#include <linux/seccomp.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "scc/names.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

constexpr std::size_t kMaxCandidatesPerArg = 32;
constexpr std::size_t kMaxVectorsPerSyscall = 4096;

std::int32_t action_only(std::uint32_t ret) {
  return static_cast<std::int32_t>(ret & SECCOMP_RET_ACTION_FULL);
}

bool lets_call_run(std::uint32_t ret) {
  const std::uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
  return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG || action == SECCOMP_RET_TRACE ||
         action == SECCOMP_RET_USER_NOTIF;
}

bool is_32_bit_arch(Arch arch) { return arch == Arch::X86 || arch == Arch::Arm; }

// Values worth trying for one argument: where the profile's comparisons change.
std::set<std::uint64_t> candidates(const std::vector<const ArgCondition*>& conditions, bool narrow) {
  std::set<std::uint64_t> out{0};
  auto add = [&](std::uint64_t v) {
    if (narrow) v &= 0xffffffffULL;
    out.insert(v);
  };
  for (const ArgCondition* c : conditions) {
    for (std::uint64_t v : {c->value, c->value_two.value_or(0)}) {
      add(v);
      add(v - 1);
      add(v + 1);
    }
    if (c->op == Operator::MaskedEq) {
      const std::uint64_t want = c->value_two.value_or(0);
      add(want | ~c->value);                      // bits outside the mask set
      add(want ^ (c->value & (~c->value + 1)));   // the lowest mask bit flipped
    }
  }
  add(~0ULL);
  while (out.size() > kMaxCandidatesPerArg) out.erase(std::prev(out.end()));
  return out;
}

// Argument vectors for one syscall on one arch: the full product of the
// candidates when it is small, else each argument varied alone.
std::vector<std::array<std::uint64_t, 6>> vectors_for(const Profile& flat, Arch arch, std::string_view syscall) {
  std::array<std::vector<const ArgCondition*>, 6> by_index;
  for (const SyscallRule& rule : flat.syscalls)
    if (std::find(rule.names.begin(), rule.names.end(), syscall) != rule.names.end())
      for (const ArgCondition& c : rule.args)
        if (c.index < 6) by_index[c.index].push_back(&c);
  std::array<std::vector<std::uint64_t>, 6> values;
  std::size_t product = 1;
  for (unsigned i = 0; i < 6; ++i) {
    if (by_index[i].empty()) {
      values[i] = {0};
      continue;
    }
    const bool narrow = is_32_bit_arch(arch) || arg_width(arch, syscall, i) == ArgWidth::Bits32;
    const auto set = candidates(by_index[i], narrow);
    values[i].assign(set.begin(), set.end());
    product *= values[i].size();
  }
  std::vector<std::array<std::uint64_t, 6>> out;
  if (product <= kMaxVectorsPerSyscall) {
    std::array<std::size_t, 6> at{};
    for (std::size_t n = 0; n < product; ++n) {
      std::array<std::uint64_t, 6> args{};
      for (unsigned i = 0; i < 6; ++i) args[i] = values[i][at[i]];
      out.push_back(args);
      for (unsigned i = 0; i < 6 && ++at[i] == values[i].size(); ++i) at[i] = 0;
    }
    return out;
  }
  for (unsigned i = 0; i < 6; ++i)
    for (std::uint64_t v : values[i]) {
      std::array<std::uint64_t, 6> args{};
      args[i] = v;
      out.push_back(args);
    }
  return out;
}

struct Comparison {
  std::span<const bpf::Program> live;
  const bpf::Program& expected;
  Attestation& report;
  Diagnostics& diagnostics;

  // false when comparing must stop (a mismatch or an error).
  bool call(Arch arch, const SyscallEntry& entry, const std::array<std::uint64_t, 6>& args) {
    bpf::SeccompData data;
    data.nr = static_cast<std::int32_t>(entry.number);
    data.arch = audit_arch(arch);
    data.args = args;
    Result<std::uint32_t> live_ret = evaluate_stack(live, data);
    Result<bpf::Evaluation> expected_ret = bpf::evaluate_prechecked(expected, data);
    ++report.calls;
    if (!live_ret.ok() || !expected_ret.ok()) {
      diagnostics.append(live_ret.diagnostics);
      diagnostics.append(expected_ret.diagnostics);
      return false;
    }
    const std::uint32_t want = expected_ret.value->ret;
    const bool differs = libseccomp_knows(arch, entry.name)
                             ? *live_ret.value != want
                             : lets_call_run(*live_ret.value) && !lets_call_run(want);
    if (!differs) return true;
    report.mismatch = FilterMismatch{arch, std::string(entry.name), entry.number, args, *live_ret.value, want};
    return false;
  }
};

}  // namespace

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

Result<Attestation> attest_filters(std::span<const bpf::Program> live, const bpf::Program& expected,
                                   const Profile& flat, std::span<const Arch> arches) {
  Result<Attestation> result;
  Attestation report;
  report.byte_identical = live.size() == 1 && live.front() == expected;
  if (report.byte_identical) {
    result.value = report;
    return result;
  }
  result.diagnostics.append(bpf::check(expected));
  for (const bpf::Program& p : live) result.diagnostics.append(bpf::check(p));
  if (result.diagnostics.has_errors()) return result;
  Comparison compare{live, expected, report, result.diagnostics};
  for (Arch arch : arches) {
    const SyscallTable* table = syscall_table(arch);
    if (table == nullptr) continue;
    for (const SyscallEntry& entry : table->entries())
      for (const auto& args : vectors_for(flat, arch, entry.name))
        if (!compare.call(arch, entry, args)) {
          if (result.diagnostics.has_errors()) return result;
          result.value = report;
          return result;
        }
  }
  result.value = report;
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

}  // namespace scc
