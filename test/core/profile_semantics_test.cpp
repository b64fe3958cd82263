// decide() on hand-built profiles: each expectation is reasoned from
// compile.hpp's header, not taken from a run.
#include <doctest/doctest.h>

#include <linux/audit.h>

#include <cerrno>

#include "scc/profile_semantics.hpp"
#include "support/support.hpp"

using namespace scc;
using scc::test::arg_condition;

namespace {

constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr std::uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;
constexpr std::uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr std::uint32_t kX32 = 0x40000000;


Profile profile(Action def, std::optional<std::uint64_t> def_errno = std::nullopt) {
  Profile p;
  p.dialect = Dialect::Oci;
  p.default_action = def;
  p.default_errno_ret = def_errno;
  return p;
}

void add_rule(Profile& p, std::vector<std::string> names, Action action,
              std::vector<ArgCondition> args = {}, std::optional<std::uint64_t> errno_ret = std::nullopt) {
  SyscallRule r;
  r.names = std::move(names);
  r.action = action;
  r.args = std::move(args);
  r.errno_ret = errno_ret;
  r.pointer = "/syscalls/" + std::to_string(p.syscalls.size());
  p.syscalls.push_back(std::move(r));
}

bpf::SeccompData call(std::uint32_t audit, std::uint32_t nr, std::array<std::uint64_t, 6> args = {}) {
  bpf::SeccompData d;
  d.arch = audit;
  d.nr = static_cast<std::int32_t>(nr);
  d.args = args;
  return d;
}

DecideOptions targets(std::vector<Arch> arches) {
  DecideOptions o;
  o.arches = std::move(arches);
  return o;
}

}  // namespace

TEST_CASE("decide: a listed syscall gets its rule and an unlisted known one the default") {
  Profile p = profile(Action::Errno);  // no defaultErrnoRet: EPERM
  add_rule(p, {"read", "getpid"}, Action::Allow);
  const auto o = targets({Arch::X86_64});
  Verdict v = decide(p, o, call(AUDIT_ARCH_X86_64, 39));  // getpid
  CHECK(v.ret == kAllow);
  CHECK(v.by == DecidedBy::Rule);
  CHECK(v.rule == std::optional<std::size_t>(0));
  CHECK(v.syscall == "getpid");
  v = decide(p, o, call(AUDIT_ARCH_X86_64, 41));  // socket, known, unlisted
  CHECK(v.ret == kEperm);
  CHECK(v.by == DecidedBy::Default);
  CHECK(v.syscall == "socket");
  CHECK_FALSE(v.rule.has_value());
}

TEST_CASE("decide: unknown numbers meet the ENOSYS horizon unless the default lets them through") {
  Profile p = profile(Action::Errno, EPERM);
  add_rule(p, {"read"}, Action::Allow);
  auto o = targets({Arch::X86_64});
  Verdict v = decide(p, o, call(AUDIT_ARCH_X86_64, 400));  // hole 335..423
  CHECK(v.ret == kEnosys);
  CHECK(v.by == DecidedBy::UnknownNumber);
  CHECK(v.horizon);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 1000)).ret == kEnosys);
  o.enosys_horizon = false;
  v = decide(p, o, call(AUDIT_ARCH_X86_64, 1000));
  CHECK(v.ret == kEperm);
  CHECK_FALSE(v.horizon);
  Profile allow = profile(Action::Allow);
  add_rule(allow, {"mount"}, Action::Errno, {}, EPERM);
  v = decide(allow, targets({Arch::X86_64}), call(AUDIT_ARCH_X86_64, 1000));
  CHECK(v.ret == kAllow);
  CHECK_FALSE(v.horizon);
  Profile kill = profile(Action::KillProcess);
  CHECK(decide(kill, targets({Arch::Aarch64}), call(AUDIT_ARCH_AARCH64, 1000)).ret == kEnosys);
}

TEST_CASE("decide: x32 numbers are x32 calls and meet the bad-arch action unless x32 is targeted (nr -1 excepted)") {
  Profile p = profile(Action::Errno, EPERM);
  add_rule(p, {"socket"}, Action::Allow);
  auto x64 = targets({Arch::X86_64});
  Verdict v = decide(p, x64, call(AUDIT_ARCH_X86_64, kX32 | 41));
  CHECK(v.by == DecidedBy::BadArch);
  CHECK(v.ret == SECCOMP_RET_KILL_PROCESS);
  v = decide(p, x64, call(AUDIT_ARCH_X86_64, 0xffffffff));
  CHECK(v.by == DecidedBy::UnknownNumber);
  CHECK(v.abi == std::optional<Arch>(Arch::X86_64));
  CHECK(v.ret == kEnosys);
  auto both = targets({Arch::X86_64, Arch::X32});
  v = decide(p, both, call(AUDIT_ARCH_X86_64, kX32 | 41));
  CHECK(v.ret == kAllow);
  CHECK(v.abi == std::optional<Arch>(Arch::X32));
  auto only_x32 = targets({Arch::X32});
  CHECK(decide(p, only_x32, call(AUDIT_ARCH_X86_64, 41)).by == DecidedBy::BadArch);
  CHECK(decide(p, only_x32, call(AUDIT_ARCH_X86_64, 0xffffffff)).ret == kEnosys);
}

TEST_CASE("decide: arches not targeted get the bad-arch action and i386 102 is socketcall not getuid") {
  Profile p = profile(Action::Errno, EPERM);
  add_rule(p, {"getuid"}, Action::Allow);
  auto o = targets({Arch::X86_64, Arch::X86});
  o.bad_arch_action = SECCOMP_RET_KILL_THREAD;
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 102)).ret == kAllow);
  Verdict v = decide(p, o, call(AUDIT_ARCH_I386, 102));
  CHECK(v.ret == kEperm);
  CHECK(v.syscall == "socketcall");
  v = decide(p, o, call(AUDIT_ARCH_AARCH64, 102));
  CHECK(v.by == DecidedBy::BadArch);
  CHECK(v.ret == SECCOMP_RET_KILL_THREAD);
}

TEST_CASE("decide: a 32-bit argument compares its low half and a 64-bit one all of it") {
  Profile p = profile(Action::Allow);
  add_rule(p, {"personality"}, Action::Errno, {arg_condition(0, Operator::Eq, 8)}, EPERM);   // unsigned int
  add_rule(p, {"clone"}, Action::Errno, {arg_condition(0, Operator::Eq, 0x10000000)}, EPERM);  // unsigned long
  const auto o = targets({Arch::X86_64});
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 135, {8})).ret == kEperm);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 135, {0x100000008})).ret == kEperm);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 135, {9})).ret == kAllow);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 56, {0x10000000})).ret == kEperm);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 56, {0x110000000})).ret == kAllow);
}

TEST_CASE("decide: a value above 32 bits never equals a 32-bit argument's view") {
  Profile p = profile(Action::Errno, EPERM);
  add_rule(p, {"personality"}, Action::Allow, {arg_condition(0, Operator::Eq, 0xffffffffffffffff)});
  const auto o = targets({Arch::X86_64});
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 135, {0xffffffffffffffff})).ret == kEperm);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 135, {0xffffffff})).ret == kEperm);
}

TEST_CASE("decide: conditions are ANDed (on one argument too) and MASKED_EQ is (arg & value) == valueTwo") {
  Profile p = profile(Action::Errno, EPERM);
  add_rule(p, {"socket"}, Action::Allow,
           {arg_condition(0, Operator::Ne, 38), arg_condition(0, Operator::Ne, 40), arg_condition(1, Operator::MaskedEq, 0xf, 1)});
  const auto o = targets({Arch::Aarch64});
  CHECK(decide(p, o, call(AUDIT_ARCH_AARCH64, 198, {2, 1})).ret == kAllow);
  CHECK(decide(p, o, call(AUDIT_ARCH_AARCH64, 198, {2, 0x801})).ret == kAllow);
  CHECK(decide(p, o, call(AUDIT_ARCH_AARCH64, 198, {38, 1})).ret == kEperm);
  CHECK(decide(p, o, call(AUDIT_ARCH_AARCH64, 198, {40, 1})).ret == kEperm);
  CHECK(decide(p, o, call(AUDIT_ARCH_AARCH64, 198, {2, 2})).ret == kEperm);
  // MASKED_EQ without valueTwo compares with 0.
  Profile q = profile(Action::Allow);
  add_rule(q, {"socket"}, Action::Errno, {arg_condition(2, Operator::MaskedEq, 0xff)}, 13);
  CHECK(decide(q, o, call(AUDIT_ARCH_AARCH64, 198, {0, 0, 0x100})).ret == (SECCOMP_RET_ERRNO | 13));
  CHECK(decide(q, o, call(AUDIT_ARCH_AARCH64, 198, {0, 0, 0x101})).ret == kAllow);
}

TEST_CASE("decide: ordered comparisons are unsigned") {
  Profile p = profile(Action::Errno, EPERM);
  add_rule(p, {"mmap"}, Action::Allow, {arg_condition(2, Operator::Lt, 0x8000000000000000)});
  const auto o = targets({Arch::X86_64});
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 9, {0, 0, 0x7fffffffffffffff})).ret == kAllow);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 9, {0, 0, 0x8000000000000000})).ret == kEperm);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 9, {0, 0, 0xffffffffffffffff})).ret == kEperm);
}

TEST_CASE("decide: the most restrictive matching rule wins and the first of equals is named") {
  Profile p = profile(Action::Allow);
  add_rule(p, {"socket"}, Action::Log);
  add_rule(p, {"socket"}, Action::Errno, {arg_condition(0, Operator::Eq, 16)}, 13);
  add_rule(p, {"socket"}, Action::Errno, {arg_condition(0, Operator::Eq, 16)}, 1);
  add_rule(p, {"socket"}, Action::Errno, {arg_condition(0, Operator::Eq, 16)}, 1);
  add_rule(p, {"socket"}, Action::Trap, {arg_condition(1, Operator::Eq, 3)});
  add_rule(p, {"socket"}, Action::KillProcess, {arg_condition(2, Operator::Eq, 7)});
  add_rule(p, {"socket"}, Action::Kill, {arg_condition(2, Operator::Ge, 6)});
  const auto o = targets({Arch::X86_64});
  Verdict v = decide(p, o, call(AUDIT_ARCH_X86_64, 41, {2}));
  CHECK(v.ret == SECCOMP_RET_LOG);
  CHECK(v.rule == std::optional<std::size_t>(0));
  v = decide(p, o, call(AUDIT_ARCH_X86_64, 41, {16}));
  CHECK(v.ret == kEperm);
  CHECK(v.rule == std::optional<std::size_t>(2));
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 41, {16, 3})).ret == SECCOMP_RET_TRAP);
  CHECK(decide(p, o, call(AUDIT_ARCH_X86_64, 41, {16, 3, 6})).ret == SECCOMP_RET_KILL_THREAD);
  v = decide(p, o, call(AUDIT_ARCH_X86_64, 41, {16, 3, 7}));
  CHECK(v.ret == SECCOMP_RET_KILL_PROCESS);
  CHECK(v.rule == std::optional<std::size_t>(5));
}

TEST_CASE("decide: a rule matching with the default's action is still the rule that decided") {
  Profile p = profile(Action::Errno, EPERM);
  add_rule(p, {"socket"}, Action::Errno, {}, EPERM);
  Verdict v = decide(p, targets({Arch::Arm}), call(AUDIT_ARCH_ARM, 281));
  CHECK(v.ret == kEperm);
  CHECK(v.by == DecidedBy::Rule);
}

TEST_CASE("semantic_action: errnoRet or else the errno name or else EPERM (TRACE too)") {
  CHECK(semantic_action(Action::Errno, 38, "") == kEnosys);
  CHECK(semantic_action(Action::Errno, std::nullopt, "EACCES") == (SECCOMP_RET_ERRNO | EACCES));
  CHECK(semantic_action(Action::Errno, std::nullopt, "") == kEperm);
  CHECK(semantic_action(Action::Trace, std::nullopt, "") == (SECCOMP_RET_TRACE | EPERM));
  CHECK(semantic_action(Action::Notify, 5, "") == SECCOMP_RET_USER_NOTIF);
  CHECK(semantic_action(Action::Kill, std::nullopt, "") == SECCOMP_RET_KILL_THREAD);
}

TEST_CASE("more_restrictive: the kernel's order and then the smaller data") {
  CHECK(more_restrictive(SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD));
  CHECK(more_restrictive(SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP));
  CHECK(more_restrictive(SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO | 1));
  CHECK(more_restrictive(SECCOMP_RET_ERRNO | 4095, SECCOMP_RET_USER_NOTIF));
  CHECK(more_restrictive(SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE));
  CHECK(more_restrictive(SECCOMP_RET_TRACE | 9, SECCOMP_RET_LOG));
  CHECK(more_restrictive(SECCOMP_RET_LOG, SECCOMP_RET_ALLOW));
  CHECK(more_restrictive(SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 13));
  CHECK_FALSE(more_restrictive(SECCOMP_RET_ERRNO | 13, SECCOMP_RET_ERRNO | 13));
  CHECK_FALSE(more_restrictive(SECCOMP_RET_ALLOW, SECCOMP_RET_LOG));
}
