// decide(): the profile's meaning read straight off the model, written from
// compile.hpp's header only. Deliberately plain (linear scans, no indexes,
// nothing from the compiler's helpers) so that it is easy to check by eye.
#include "scc/profile_semantics.hpp"

#include <linux/audit.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "scc/names.hpp"
#include "scc/syscall_table.hpp"

namespace scc {
namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;
constexpr std::uint32_t kSkipNumber = 0xffffffff;  // nr -1: a tracer skipped the call
constexpr std::uint32_t kEnosysRet = SECCOMP_RET_ERRNO | ENOSYS;

bool targeted(const DecideOptions& options, Arch arch) {
  return std::find(options.arches.begin(), options.arches.end(), arch) != options.arches.end();
}

// The ABI whose table reads this call's number, or nullopt: bad arch.
std::optional<Arch> call_abi(const DecideOptions& options, std::uint32_t audit, std::uint32_t nr) {
  if (audit == AUDIT_ARCH_X86_64) {
    const Arch half = (nr & kX32Bit) != 0 ? Arch::X32 : Arch::X86_64;
    if (targeted(options, half)) return half;
    // -1 is let through to the targeted half (where it is an unknown number).
    if (nr == kSkipNumber) {
      const Arch other = half == Arch::X32 ? Arch::X86_64 : Arch::X32;
      if (targeted(options, other)) return other;
    }
    return std::nullopt;
  }
  for (Arch arch : options.arches)
    if (arch != Arch::X32 && audit_arch(arch) == audit) return arch;
  return std::nullopt;
}

// The kernel's view of one argument: a 32-bit argument is its low half.
std::uint64_t kernel_view(Arch abi, std::string_view syscall, std::size_t index, std::uint64_t raw) {
  if (arg_width(abi, syscall, static_cast<unsigned>(index)) == ArgWidth::Bits32)
    return raw & 0xffffffffULL;
  return raw;
}

bool condition_holds(const ArgCondition& c, std::uint64_t arg) {
  switch (c.op) {
    case Operator::Eq: return arg == c.value;
    case Operator::Ne: return arg != c.value;
    case Operator::Lt: return arg < c.value;
    case Operator::Le: return arg <= c.value;
    case Operator::Gt: return arg > c.value;
    case Operator::Ge: return arg >= c.value;
    case Operator::MaskedEq: return (arg & c.value) == c.value_two.value_or(0);
  }
  return false;
}

bool rule_matches(const SyscallRule& rule, Arch abi, std::string_view syscall,
                  const bpf::SeccompData& data) {
  if (std::find(rule.names.begin(), rule.names.end(), syscall) == rule.names.end()) return false;
  for (const ArgCondition& c : rule.args) {
    if (c.index >= data.args.size()) return false;
    const std::size_t i = static_cast<std::size_t>(c.index);
    if (!condition_holds(c, kernel_view(abi, syscall, i, data.args[i]))) return false;
  }
  return true;
}

// The horizon answers only for defaults that would deny an unknown number.
bool horizon_applies(std::uint32_t default_ret) {
  const std::uint32_t action = default_ret & SECCOMP_RET_ACTION_FULL;
  if (action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG || action == SECCOMP_RET_TRACE)
    return false;
  return default_ret != kEnosysRet;
}

std::uint32_t default_ret(const Profile& flat) {
  return semantic_action(flat.default_action.value_or(Action::KillProcess), flat.default_errno_ret,
                         flat.default_errno_name);
}

}  // namespace

std::uint32_t semantic_action(Action action, std::optional<std::uint64_t> errno_ret,
                              std::string_view errno_name) {
  std::uint64_t data = EPERM;
  if (errno_ret) {
    data = *errno_ret;
  } else if (auto parsed = errno_name.empty() ? std::nullopt : parse_errno(errno_name)) {
    data = static_cast<std::uint64_t>(*parsed);
  }
  const auto low = static_cast<std::uint32_t>(data & SECCOMP_RET_DATA);
  switch (action) {
    case Action::Kill:
    case Action::KillThread: return SECCOMP_RET_KILL_THREAD;
    case Action::KillProcess: return SECCOMP_RET_KILL_PROCESS;
    case Action::Trap: return SECCOMP_RET_TRAP;
    case Action::Errno: return SECCOMP_RET_ERRNO | low;
    case Action::Trace: return SECCOMP_RET_TRACE | low;
    case Action::Allow: return SECCOMP_RET_ALLOW;
    case Action::Log: return SECCOMP_RET_LOG;
    case Action::Notify: return SECCOMP_RET_USER_NOTIF;
  }
  return SECCOMP_RET_KILL_PROCESS;
}

int action_rank(std::uint32_t ret) {
  switch (ret & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_KILL_PROCESS: return 0;
    case SECCOMP_RET_KILL_THREAD: return 1;
    case SECCOMP_RET_TRAP: return 2;
    case SECCOMP_RET_ERRNO: return 3;
    case SECCOMP_RET_USER_NOTIF: return 4;
    case SECCOMP_RET_TRACE: return 5;
    case SECCOMP_RET_LOG: return 6;
    case SECCOMP_RET_ALLOW: return 7;
    default: return 0;  // unknown actions kill the process in the kernel
  }
}

bool more_restrictive(std::uint32_t a, std::uint32_t b) {
  const int ra = action_rank(a), rb = action_rank(b);
  if (ra != rb) return ra < rb;
  return (a & SECCOMP_RET_DATA) < (b & SECCOMP_RET_DATA);
}

Verdict decide(const Profile& flat, const DecideOptions& options, const bpf::SeccompData& data) {
  Verdict v;
  const auto nr = static_cast<std::uint32_t>(data.nr);
  v.abi = call_abi(options, data.arch, nr);
  if (!v.abi) {
    v.ret = options.bad_arch_action;
    v.by = DecidedBy::BadArch;
    return v;
  }
  const SyscallTable* table = syscall_table(*v.abi);
  const auto name = table != nullptr ? table->name(nr) : std::nullopt;
  const std::uint32_t fallback = default_ret(flat);
  if (!name) {
    v.by = DecidedBy::UnknownNumber;
    v.horizon = options.enosys_horizon && horizon_applies(fallback);
    v.ret = v.horizon ? kEnosysRet : fallback;
    return v;
  }
  v.syscall = *name;
  v.ret = fallback;
  v.by = DecidedBy::Default;
  for (std::size_t i = 0; i < flat.syscalls.size(); ++i) {
    const SyscallRule& rule = flat.syscalls[i];
    if (!rule_matches(rule, *v.abi, *name, data)) continue;
    const std::uint32_t ret = semantic_action(rule.action, rule.errno_ret, rule.errno_name);
    if (v.by != DecidedBy::Rule || more_restrictive(ret, v.ret)) {
      v.ret = ret;
      v.by = DecidedBy::Rule;
      v.rule = i;
    }
  }
  return v;
}

}  // namespace scc
