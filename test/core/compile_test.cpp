#include <doctest/doctest.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <string>
#include <vector>

#include "scc/bpf.hpp"
#include "scc/bpf_cache.hpp"
#include "scc/compile.hpp"
#include "scc/names.hpp"
#include "scc/syscall_table.hpp"
#include "support/support.hpp"

using namespace scc;
using scc::test::arg_condition;

namespace {

constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr std::uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;
constexpr std::uint32_t kEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr std::uint32_t kKillProcess = SECCOMP_RET_KILL_PROCESS;
constexpr std::uint32_t kX32 = 0x40000000;


// A flat OCI profile built rule by rule, with the pointers a reader would give.
struct Builder {
  Profile p;
  explicit Builder(Action def = Action::Errno, std::optional<std::uint64_t> def_errno = EPERM) {
    p.dialect = Dialect::Oci;
    p.default_action = def;
    p.default_errno_ret = def_errno;
  }
  Builder& rule(std::vector<std::string> names, Action action, std::vector<ArgCondition> args = {},
                std::optional<std::uint64_t> errno_ret = std::nullopt) {
    SyscallRule r;
    r.pointer = "/syscalls/" + std::to_string(p.syscalls.size());
    for (std::size_t i = 0; i < names.size(); ++i)
      r.name_pointers.push_back(r.pointer + "/names/" + std::to_string(i));
    r.names = std::move(names);
    r.action = action;
    r.errno_ret = errno_ret;
    for (std::size_t i = 0; i < args.size(); ++i) args[i].pointer = r.pointer + "/args/" + std::to_string(i);
    r.args = std::move(args);
    p.syscalls.push_back(std::move(r));
    return *this;
  }
};

CompiledFilter must_compile(const Profile& p, CompileOptions o) {
  auto r = compile(p, o);
  for (const Diagnostic& d : r.diagnostics)
    if (d.severity == Severity::Error) INFO(d.pointer, ": ", d.message);
  REQUIRE(r.ok());
  REQUIRE(bpf::check(r.value->program).empty());
  return *r.value;
}

CompileOptions on(std::vector<Arch> arches, CompileOptions::Tree tree = CompileOptions::Tree::Auto) {
  CompileOptions o;
  o.arches = std::move(arches);
  o.tree = tree;
  return o;
}

std::uint32_t verdict(const bpf::Program& prog, std::uint32_t audit, std::uint32_t nr,
                      std::array<std::uint64_t, 6> args = {}) {
  bpf::SeccompData d;
  d.arch = audit;
  d.nr = static_cast<std::int32_t>(nr);
  d.args = args;
  auto e = bpf::evaluate(prog, d);
  REQUIRE(e.value);
  return e.value->ret;
}

std::uint32_t nr_of(Arch arch, std::string_view name) {
  auto n = syscall_table(arch)->number(name);
  REQUIRE(n);
  return *n;
}

bool has(const Diagnostics& diags, Code code, std::string_view pointer) {
  return std::any_of(diags.begin(), diags.end(), [&](const Diagnostic& d) {
    return d.code == code && d.pointer == pointer;
  });
}

Builder allow_list() {
  Builder b;
  b.rule({"read", "write", "exit_group", "close"}, Action::Allow);
  return b;
}

}  // namespace

TEST_CASE("x86_64 allow-list: allowed and unlisted and unknown and hole and x32 bit and foreign arch") {
  auto f = must_compile(allow_list().p, on({Arch::X86_64}));
  const auto& prog = f.program;
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 0) == kAllow);             // read
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 39) == kEperm);            // getpid: unlisted
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 1000) == kEnosys);         // above every known number
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 400) == kEnosys);          // hole 337..423
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 424) == kEperm);           // pidfd_send_signal
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 0x80000000) == kEnosys);   // not an x32 number
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, kX32 | 0) == kKillProcess);  // x32 read, x32 not targeted
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 0xffffffff) == kEnosys);   // -1: unknown, not x32
  CHECK(verdict(prog, AUDIT_ARCH_I386, 3) == kKillProcess);
  CHECK(f.arches == std::vector<Arch>{Arch::X86_64});
  CHECK(f.enosys_horizon);
  CHECK_FALSE(f.binary_tree);
  CHECK(f.default_action == kEperm);
  CHECK(f.sha256 == program_sha256(prog));
  CHECK(f.sha256.size() == 64);
}

TEST_CASE("multi-arch x86_64 + x86 + x32: each ABI by its own numbers") {
  auto f = must_compile(allow_list().p, on({Arch::X32, Arch::X86, Arch::X86_64}));
  const auto& prog = f.program;
  CHECK(f.arches == std::vector<Arch>{Arch::X86_64, Arch::X86, Arch::X32});
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 1) == kAllow);                  // write
  CHECK(verdict(prog, AUDIT_ARCH_I386, 3) == kAllow);                    // x86 read
  CHECK(verdict(prog, AUDIT_ARCH_I386, 0) == kEperm);                    // x86 restart_syscall
  CHECK(verdict(prog, AUDIT_ARCH_I386, 102) == kEperm);                  // socketcall, not getuid
  CHECK(verdict(prog, AUDIT_ARCH_I386, 222) == kEnosys);                 // x86 hole
  CHECK(verdict(prog, AUDIT_ARCH_I386, 1000) == kEnosys);
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, kX32 | 0) == kAllow);           // x32 read
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, kX32 | 39) == kEperm);          // x32 getpid
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, kX32 | 13) == kEnosys);         // x32 hole (rt_sigaction is 512)
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, kX32 | 1000) == kEnosys);
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 0xffffffff) == kEnosys);
  CHECK(verdict(prog, AUDIT_ARCH_AARCH64, 63) == kKillProcess);
}

TEST_CASE("x32 targeted without x86_64: x86_64 numbers get the bad-arch action") {
  auto f = must_compile(allow_list().p, on({Arch::X32}));
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 0) == kKillProcess);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, kX32 | 0) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 0xffffffff) == kEnosys);
}

TEST_CASE("aarch64 + arm: generic and ARM numbers and holes and ARM private calls") {
  Builder b = allow_list();
  b.rule({"set_tls", "cacheflush"}, Action::Allow);
  auto f = must_compile(b.p, on({Arch::Arm, Arch::Aarch64}));
  const auto& prog = f.program;
  CHECK(f.arches == std::vector<Arch>{Arch::Aarch64, Arch::Arm});
  CHECK(verdict(prog, AUDIT_ARCH_AARCH64, 63) == kAllow);    // read
  CHECK(verdict(prog, AUDIT_ARCH_AARCH64, 172) == kEperm);   // getpid
  CHECK(verdict(prog, AUDIT_ARCH_AARCH64, 250) == kEnosys);  // hole 244..259
  CHECK(verdict(prog, AUDIT_ARCH_AARCH64, 1000) == kEnosys);
  CHECK(verdict(prog, AUDIT_ARCH_ARM, 3) == kAllow);         // arm read
  CHECK(verdict(prog, AUDIT_ARCH_ARM, 20) == kEperm);        // arm getpid
  CHECK(verdict(prog, AUDIT_ARCH_ARM, 17) == kEnosys);       // arm hole
  CHECK(verdict(prog, AUDIT_ARCH_ARM, 0xf0005) == kAllow);   // set_tls
  CHECK(verdict(prog, AUDIT_ARCH_ARM, 0xf0002) == kAllow);   // cacheflush
  CHECK(verdict(prog, AUDIT_ARCH_ARM, 0xf0003) == kEperm);   // usr26: known, unlisted
  CHECK(verdict(prog, AUDIT_ARCH_ARM, 0x1000) == kEnosys);
  CHECK(verdict(prog, AUDIT_ARCH_ARM, 0xf0100) == kEnosys);
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 0) == kKillProcess);
}

TEST_CASE("names unknown to libseccomp 2.5.4 are compiled by number on every arch") {
  Builder b;
  b.rule({"mseal", "uretprobe", "listns"}, Action::Allow);
  auto f = must_compile(b.p, on({Arch::X86_64, Arch::X86, Arch::Aarch64}));
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 462) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 335) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, nr_of(Arch::X86_64, "listns")) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_I386, 462) == kAllow);  // non-native arch, by number
  CHECK(verdict(f.program, AUDIT_ARCH_AARCH64, 462) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 461) == kEperm);
}

TEST_CASE("32-bit argument rules: GT 40 on socket cannot be passed with high bits") {
  Builder b;
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Gt, 40)});
  auto f = must_compile(b.p, on({Arch::X86_64, Arch::X86}));
  const std::uint32_t sock = 41;
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, sock, {0x100000026}) == kEperm);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, sock, {41}) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, sock, {0x100000029}) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, sock, {40}) == kEperm);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, sock, {0xffffffff}) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_I386, 359, {41}) == kAllow);  // x86 socket
  CHECK(verdict(f.program, AUDIT_ARCH_I386, 359, {2}) == kEperm);
}

TEST_CASE("EQ 0xffffffff on personality matches 0xffffffff and 0x1ffffffff") {
  Builder b;
  b.rule({"personality"}, Action::Allow, {arg_condition(0, Operator::Eq, 0xffffffff)});
  auto f = must_compile(b.p, on({Arch::X86_64}));
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 135, {0xffffffff}) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 135, {0x1ffffffff}) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 135, {0xfffffffe}) == kEperm);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 135, {0}) == kEperm);
}

TEST_CASE("64-bit arguments keep 64-bit comparisons") {
  Builder b;
  b.rule({"mmap"}, Action::Allow, {arg_condition(1, Operator::Lt, 0x100000000)});  // size_t length
  auto f = must_compile(b.p, on({Arch::X86_64}));
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 9, {0, 0xffffffff}) == kAllow);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 9, {0, 0x100000000}) == kEperm);
}

TEST_CASE("two conditions on one argument are ANDed exactly: not 38 and not 40") {
  Builder b;
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Ne, 38), arg_condition(0, Operator::Ne, 40)});
  auto r = compile(b.p, on({Arch::X86_64}));
  REQUIRE(r.ok());
  CHECK(has(r.diagnostics, Code::RepeatedArgIndex, "/syscalls/0/args/1"));
  const auto& prog = r.value->program;
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 41, {38}) == kEperm);
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 41, {40}) == kEperm);
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 41, {0x100000028}) == kEperm);
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 41, {39}) == kAllow);
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 41, {2}) == kAllow);
}

TEST_CASE("conflicts: the more restrictive action wins where both match and it is reported") {
  Builder b;
  b.rule({"ioctl"}, Action::Allow);
  b.rule({"ioctl"}, Action::Errno, {arg_condition(1, Operator::Eq, 0x5412)}, 5);  // TIOCSTI
  auto r = compile(b.p, on({Arch::X86_64}));
  REQUIRE(r.ok());
  const auto& prog = r.value->program;
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 16, {0, 0x5412}) == (SECCOMP_RET_ERRNO | 5));
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 16, {0, 0x100005412}) == (SECCOMP_RET_ERRNO | 5));
  CHECK(verdict(prog, AUDIT_ARCH_X86_64, 16, {0, 0x5413}) == kAllow);
  CHECK(has(r.diagnostics, Code::ConflictingRule, "/syscalls/0"));
  CHECK(r.value->compiled_rules == 2);
}

TEST_CASE("a rule equal to the default still overrides a less restrictive one") {
  Builder b;
  b.rule({"write"}, Action::Allow);
  b.rule({"write"}, Action::Errno, {arg_condition(0, Operator::Eq, 2)}, EPERM);  // equals the default
  b.rule({"getpid"}, Action::Errno, {}, EPERM);                        // equals it, cuts nothing
  auto r = compile(b.p, on({Arch::X86_64}));
  REQUIRE(r.ok());
  CHECK(verdict(r.value->program, AUDIT_ARCH_X86_64, 1, {2}) == kEperm);
  CHECK(verdict(r.value->program, AUDIT_ARCH_X86_64, 1, {1}) == kAllow);
  CHECK_FALSE(has(r.diagnostics, Code::RuleEqualsDefault, "/syscalls/1"));
  CHECK(has(r.diagnostics, Code::RuleEqualsDefault, "/syscalls/2"));
  CHECK(r.value->compiled_rules == 2);
}

TEST_CASE("every rule is compiled or reported") {
  Builder b;
  b.rule({"read"}, Action::Allow);                                              // 0 compiled
  b.rule({"opne"}, Action::Allow);                                              // 1 unknown name
  b.rule({"chown32"}, Action::Allow);                                           // 2 not on x86_64
  b.rule({"getpid"}, Action::Errno, {}, EPERM);                                 // 3 = default
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Eq, 0x100000002)});       // 4 never (32-bit)
  b.rule({"read"}, Action::Allow, {arg_condition(0, Operator::Eq, 3)});                   // 5 subsumed by 0
  b.rule({"kill"}, Action::KillProcess);                                        // 6 compiled
  b.rule({"kill"}, Action::Allow, {arg_condition(1, Operator::Eq, 0)});                   // 7 overridden by 6
  b.rule({"dup"}, Action::Allow, {arg_condition(7, Operator::Eq, 0)});                    // 8 bad index
  auto r = compile(b.p, on({Arch::X86_64}));
  CHECK_FALSE(r.ok());  // the bad index is an error
  CHECK(has(r.diagnostics, Code::UnknownSyscall, "/syscalls/1/names/0"));
  CHECK(has(r.diagnostics, Code::SyscallMissingOnArch, "/syscalls/2/names/0"));
  CHECK(has(r.diagnostics, Code::RuleEqualsDefault, "/syscalls/3"));
  CHECK(has(r.diagnostics, Code::WidthUnsafeComparison, "/syscalls/4/args/0"));
  CHECK(has(r.diagnostics, Code::RuleNeverMatches, "/syscalls/4"));
  CHECK(has(r.diagnostics, Code::DuplicateRule, "/syscalls/5"));
  CHECK(has(r.diagnostics, Code::ConflictingRule, "/syscalls/7"));
  CHECK(has(r.diagnostics, Code::ArgIndexRange, "/syscalls/8/args/0"));

  b.p.syscalls.pop_back();
  auto ok = compile(b.p, on({Arch::X86_64}));
  REQUIRE(ok.ok());
  CHECK(ok.value->input_rules == 8);
  CHECK(ok.value->compiled_rules == 2);  // 0 and 6
  CHECK(verdict(ok.value->program, AUDIT_ARCH_X86_64, 62, {1, 0}) == kKillProcess);
}

TEST_CASE("deterministic: shuffled rules and names give identical bytes") {
  Builder b;
  b.rule({"read", "write", "close", "openat", "mmap", "futex"}, Action::Allow);
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Lt, 38)});
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Gt, 40)});
  b.rule({"personality"}, Action::Allow, {arg_condition(0, Operator::Eq, 8)});
  b.rule({"clone3"}, Action::Errno, {}, ENOSYS);
  b.rule({"ioctl"}, Action::Errno, {arg_condition(1, Operator::MaskedEq, 0xffff, 0x5412)}, 1);
  auto opts = on({Arch::X86_64, Arch::X86, Arch::X32}, CompileOptions::Tree::Binary);
  const auto first = must_compile(b.p, opts);
  std::mt19937 rng(42);
  for (int round = 0; round < 5; ++round) {
    Profile q = b.p;
    std::shuffle(q.syscalls.begin(), q.syscalls.end(), rng);
    for (SyscallRule& r : q.syscalls) std::shuffle(r.names.begin(), r.names.end(), rng);
    auto shuffled = on({Arch::X32, Arch::X86_64, Arch::X86}, CompileOptions::Tree::Binary);
    const auto again = must_compile(q, shuffled);
    CHECK(again.program == first.program);
    CHECK(again.sha256 == first.sha256);
  }
}

TEST_CASE("tree and linear bodies give identical verdicts on every number") {
  Builder b;
  b.rule({"read", "write", "close", "getpid", "mseal"}, Action::Allow);
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Ne, 40)});
  b.rule({"clone3"}, Action::Errno, {}, ENOSYS);
  b.rule({"kill"}, Action::Trap, {arg_condition(1, Operator::Eq, 9)});
  const std::vector<Arch> arches{Arch::X86_64, Arch::X86, Arch::X32};
  auto tree = must_compile(b.p, on(arches, CompileOptions::Tree::Binary));
  auto linear = must_compile(b.p, on(arches, CompileOptions::Tree::Linear));
  CHECK(tree.binary_tree);
  CHECK_FALSE(linear.binary_tree);
  CHECK(tree.program != linear.program);
  for (std::uint32_t audit : {std::uint32_t{AUDIT_ARCH_X86_64}, std::uint32_t{AUDIT_ARCH_I386}})
    for (std::uint32_t base : {0u, kX32})
      for (std::uint32_t nr = 0; nr < 1024; ++nr)
        for (std::uint64_t a : {0ull, 9ull, 40ull, 0x100000028ull}) {
          INFO("arch ", audit, " nr ", base | nr, " arg ", a);
          CHECK(verdict(tree.program, audit, base | nr, {a, a}) ==
                verdict(linear.program, audit, base | nr, {a, a}));
        }
}

TEST_CASE("the horizon: off by option and skipped when the default needs none") {
  auto off = allow_list();
  CompileOptions o = on({Arch::X86_64});
  o.enosys_horizon = false;
  auto f = must_compile(off.p, o);
  CHECK_FALSE(f.enosys_horizon);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 1000) == kEperm);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 400) == kEperm);
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 0xffffffff) == kEperm);

  Builder deny(Action::Allow, std::nullopt);
  deny.rule({"ptrace"}, Action::Errno, {}, EPERM);
  auto g = must_compile(deny.p, on({Arch::X86_64}));
  CHECK_FALSE(g.enosys_horizon);
  CHECK(verdict(g.program, AUDIT_ARCH_X86_64, 1000) == kAllow);
  CHECK(verdict(g.program, AUDIT_ARCH_X86_64, 101) == kEperm);

  Builder enosys(Action::Errno, ENOSYS);
  enosys.rule({"read"}, Action::Allow);
  auto h = must_compile(enosys.p, on({Arch::X86_64}));
  CHECK_FALSE(h.enosys_horizon);
  CHECK(verdict(h.program, AUDIT_ARCH_X86_64, 1000) == kEnosys);
}

TEST_CASE("bad-arch action and target arches") {
  CompileOptions o = on({Arch::X86_64});
  o.bad_arch_action = SECCOMP_RET_ERRNO | ENOSYS;
  auto f = must_compile(allow_list().p, o);
  CHECK(verdict(f.program, AUDIT_ARCH_I386, 3) == kEnosys);
  CHECK(f.bad_arch_action == kEnosys);

  Profile p = allow_list().p;
  p.architectures = {Arch::X86, Arch::Ppc64Le};
  Diagnostics d;
  auto arches = target_arches(p, {}, d);
  CHECK(arches == std::vector<Arch>{native_arch(), Arch::X86});  // native always covered
  CHECK(has(d, Code::NoSyscallTable, "/architectures/1"));

  auto bad = compile(allow_list().p, on({Arch::Mips}));
  CHECK_FALSE(bad.ok());
  CHECK(bad.diagnostics.items().at(0).code == Code::NoSyscallTable);
}

TEST_CASE("profiles compile() refuses") {
  Profile no_default = allow_list().p;
  no_default.default_action.reset();
  auto r = compile(no_default, on({Arch::X86_64}));
  CHECK_FALSE(r.value);
  CHECK(has(r.diagnostics, Code::MissingDefaultAction, ""));

  Profile conditional = allow_list().p;
  conditional.syscalls[0].includes.caps = {"CAP_SYS_ADMIN"};
  r = compile(conditional, on({Arch::X86_64}));
  CHECK(has(r.diagnostics, Code::ProfileNotFlat, ""));

  Builder big_errno;
  big_errno.rule({"read"}, Action::Errno, {}, 70000);
  r = compile(big_errno.p, on({Arch::X86_64}));
  CHECK(has(r.diagnostics, Code::ErrnoRange, "/syscalls/0/errnoRet"));
}

// The validator's range (max_action_data): 4094 compiles, 4095 is an
// errno-range error at the errnoRet pointer, not a libseccomp failure.
TEST_CASE("errno 4094 compiles and 4095 is an errno-range error for rules and the default") {
  Builder rule_ok;
  rule_ok.rule({"read"}, Action::Errno, {}, 4094);
  auto f = must_compile(rule_ok.p, on({Arch::X86_64}));
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 0) == (SECCOMP_RET_ERRNO | 4094));

  Builder default_ok(Action::Errno, 4094);
  default_ok.rule({"read"}, Action::Allow);
  f = must_compile(default_ok.p, on({Arch::X86_64}));
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 1) == (SECCOMP_RET_ERRNO | 4094));

  for (std::uint64_t bad : {4095u, 4096u, 65535u}) {
    Builder rule_bad;
    rule_bad.rule({"read"}, Action::Errno, {}, bad);
    auto r = compile(rule_bad.p, on({Arch::X86_64}));
    CHECK_FALSE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& d = r.diagnostics.items().front();
    CHECK(d.code == Code::ErrnoRange);
    CHECK(d.pointer == "/syscalls/0/errnoRet");
    CHECK(d.message == "errnoRet " + std::to_string(bad) +
                           " is out of range 0-4094: libseccomp (so runc, crun and podman) "
                           "refuses errno 4095 and above; the kernel caps errno at 4095");

    Builder default_bad(Action::Errno, bad);
    default_bad.rule({"read"}, Action::Allow);
    r = compile(default_bad.p, on({Arch::X86_64}));
    CHECK_FALSE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.items().front().pointer == "/defaultErrnoRet");
    CHECK(r.diagnostics.items().front().message.rfind(
              "defaultErrnoRet " + std::to_string(bad) + " is out of range 0-4094", 0) == 0);
  }
}

TEST_CASE("load-time settings are recorded and not compiled") {
  Builder b(Action::Notify, std::nullopt);
  b.rule({"read"}, Action::Allow);
  b.p.flags = {Flag::Log, Flag::Tsync, Flag::Log};
  auto f = must_compile(b.p, on({Arch::X86_64}));
  CHECK(f.needs_listener);
  CHECK(f.flags == std::vector<Flag>{Flag::Tsync, Flag::Log});
  CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 39) == SECCOMP_RET_USER_NOTIF);
  CHECK(f.enosys_horizon);  // a supervisor cannot know numbers newer than the tables either
}

namespace {

// What a child that loaded the program saw: the errno of each probe (0 when
// the call succeeded), or the signal that ended it.
struct LiveRun {
  int signal = 0;
  std::vector<long> errnos;
};

// Fork; the child sets no_new_privs, loads `prog` and runs `probe`, which
// writes one errno per call to `fd`. Skips the test where seccomp is absent.
template <class Probe>
LiveRun run_live(const bpf::Program& prog, Probe probe) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    const auto insns = prog.instructions();
    sock_fprog fprog{static_cast<unsigned short>(insns.size()), const_cast<sock_filter*>(insns.data())};
    long load_errno = 0;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
      load_errno = errno;
    if (write(fds[1], &load_errno, sizeof load_errno) != sizeof load_errno || load_errno != 0) _exit(2);
    probe(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  LiveRun run;
  long value = 0;
  bool first = true;
  while (read(fds[0], &value, sizeof value) == sizeof value) {
    if (first && value != 0) {
      close(fds[0]);
      waitpid(pid, nullptr, 0);
      test::skip("cannot load a seccomp filter here: errno " + std::to_string(value));
    }
    if (!first) run.errnos.push_back(value);
    first = false;
  }
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  return run;
}

void report(int fd, long rc) {
  long e = rc == -1 ? errno : 0;
  if (write(fd, &e, sizeof e) != sizeof e) _exit(3);
}

CompiledFilter live_profile() {
  Builder b;
  b.rule({"write", "exit", "exit_group", "getpid", "close", "rt_sigreturn"}, Action::Allow);
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Gt, 40)});
  b.rule({"personality"}, Action::Allow, {arg_condition(0, Operator::Eq, 0xffffffff)});
  return must_compile(b.p, on({Arch::X86_64}));
}

}  // namespace

#if defined(__x86_64__)
TEST_CASE("live kernel: allowed and denied and unknown numbers and 32-bit arguments with high bits") {
  const auto f = live_profile();
  LiveRun run = run_live(f.program, [](int fd) {
    report(fd, syscall(SYS_getpid));
    report(fd, syscall(SYS_getppid));                                   // unlisted
    report(fd, syscall(1000));                                          // above the table
    report(fd, syscall(400));                                           // x86_64 hole
    report(fd, syscall(SYS_socket, 0x100000026UL, SOCK_STREAM, 0));     // kernel reads 38
    report(fd, syscall(SYS_socket, 0x10000002aUL, SOCK_DGRAM, 0));      // kernel reads 42
    report(fd, syscall(SYS_personality, 0x1ffffffffUL));                // kernel reads 0xffffffff
    report(fd, syscall(SYS_personality, 8UL));
  });
  CHECK(run.signal == 0);
  REQUIRE(run.errnos.size() == 8);
  CHECK(run.errnos[0] == 0);
  CHECK(run.errnos[1] == EPERM);
  CHECK(run.errnos[2] == ENOSYS);
  CHECK(run.errnos[3] == ENOSYS);
  CHECK(run.errnos[4] == EPERM);
  CHECK(run.errnos[5] != EPERM);  // reached the kernel: whatever AF 42 gives, not the filter's EPERM
  CHECK(run.errnos[6] == 0);      // personality(0xffffffff) queries
  CHECK(run.errnos[7] == EPERM);
}

TEST_CASE("live kernel: an x32 number and an int 0x80 call meet the bad-arch action") {
  const auto f = live_profile();
  LiveRun x32 = run_live(f.program, [](int fd) { report(fd, syscall(0x40000000 | SYS_getpid)); });
  CHECK(x32.signal == SIGSYS);
  CHECK(x32.errnos.empty());
  LiveRun i386 = run_live(f.program, [](int fd) {
    long ret = 20;  // i386 getpid
    asm volatile("int $0x80" : "+a"(ret) : : "memory");
    report(fd, ret);
  });
  CHECK(i386.signal == SIGSYS);
  CHECK(i386.errnos.empty());
}
#endif

TEST_CASE("rules libseccomp 2.5.4 would silently drop are compiled (differential seed 1004)") {
  // Added to one libseccomp context in this order, the ERRNO pieces "a0 == 49
  // && (a2 & m_k) == d_k && a4 != 255" vanish (rc 0): arg_checks.hpp.
  Builder b(Action::KillProcess, std::nullopt);
  b.rule({"delete_module"}, Action::Trap, {arg_condition(4, Operator::Eq, 255)});
  b.rule({"delete_module"}, Action::Trap, {arg_condition(2, Operator::MaskedEq, 0xa066e8b7, 0x20044823)});
  b.rule({"delete_module"}, Action::Errno, {arg_condition(0, Operator::Eq, 49)}, 4094);
  for (auto tree : {CompileOptions::Tree::Linear, CompileOptions::Tree::Binary}) {
    auto f = must_compile(b.p, on({Arch::X86_64, Arch::X86}, tree));
    CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 176, {49}) == (SECCOMP_RET_ERRNO | 4094));
    CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 176, {49, 0, 0, 0, 255}) == SECCOMP_RET_TRAP);
    CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 176, {49, 0, 0x20044823}) == SECCOMP_RET_TRAP);
    CHECK(verdict(f.program, AUDIT_ARCH_X86_64, 176, {48}) == kKillProcess);
    CHECK(verdict(f.program, AUDIT_ARCH_I386, 129, {49}) == (SECCOMP_RET_ERRNO | 4094));
  }
}

TEST_CASE("every argument-free allowed syscall stays cacheable by the kernel") {
  // Allow every syscall of each table except a few, with argument rules on others.
  for (const std::vector<Arch>& arches :
       {std::vector<Arch>{Arch::X86_64, Arch::X86, Arch::X32}, std::vector<Arch>{Arch::Aarch64, Arch::Arm}}) {
    Builder b;
    std::vector<std::string> names;
    for (Arch a : arches)
      for (const SyscallEntry& e : syscall_table(a)->entries())
        if (e.name != "socket" && e.name != "personality" && e.name != "kill") names.emplace_back(e.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    b.rule(names, Action::Allow);
    b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Ne, 40)});
    b.rule({"kill"}, Action::Allow, {arg_condition(1, Operator::Eq, 0)});
    for (auto tree : {CompileOptions::Tree::Linear, CompileOptions::Tree::Binary}) {
      auto f = must_compile(b.p, on(arches, tree));
      for (const auto& report : bpf::cache_report(f.program, f.arches)) {
        INFO("arch ", short_name(report.arch), " tree ", static_cast<int>(tree));
        CHECK(report.uncached.empty());
        CHECK(report.allowed_arg_free.size() + 3 >= syscall_table(report.arch)->entries().size());
      }
    }
  }
}

TEST_CASE("golden: the exact program for a two-rule profile on x86_64") {
  Builder b;
  b.rule({"read"}, Action::Allow);
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Gt, 40)});
  auto f = must_compile(b.p, on({Arch::X86_64}, CompileOptions::Tree::Linear));
  const std::vector<sock_filter> expected{
      {0x20, 0, 0, 0x4},                // ld [4]                      arch
      {0x15, 1, 0, 0xc000003e},         // jeq AUDIT_ARCH_X86_64
      {0x06, 0, 0, 0x80000000},         // ret KILL_PROCESS            bad arch
      {0x20, 0, 0, 0x0},                // ld [0]                      nr
      {0x35, 0, 4, 0x1d8},              // jge 472                     past the x86_64 table
      {0x45, 0, 2, 0x40000000},         //   jset x32 bit
      {0x15, 1, 0, 0xffffffff},         //     jeq -1
      {0x06, 0, 0, 0x80000000},         //     ret KILL_PROCESS        x32, not targeted
      {0x06, 0, 0, 0x50026},            //   ret ERRNO(ENOSYS)
      {0x35, 0, 2, 0x151},              // jge 337                     horizon stub
      {0x35, 1, 0, 0x1a8},              //   jge 424
      {0x06, 0, 0, 0x50026},            //   ret ERRNO(ENOSYS)         hole 337..423
      {0x15, 0, 1, 0x0},                // jeq read                    libseccomp body
      {0x06, 0, 0, 0x7fff0000},         //   ret ALLOW
      {0x15, 1, 0, 0x29},               // jeq socket -> its checks (threaded past the ja)
      {0x06, 0, 0, 0x50001},            // ret ERRNO(EPERM)            default
      // (the placeholder's ja, now unreachable, and libseccomp's bad-arch
      // ret, which no path reaches, are dropped: layout::share_returns)
      {0x20, 0, 0, 0x10},               // ld [16]                     socket arg0, low word only
      {0x35, 0, 1, 0x29},               // jge 41
      {0x06, 0, 0, 0x7fff0000},         //   ret ALLOW
      {0x06, 0, 0, 0x50001},            // ret ERRNO(EPERM)
  };
  CHECK(f.program == bpf::Program(expected));
  CHECK(f.per_arch.at(0).argument_checked == 1);
  CHECK(f.per_arch.at(0).libseccomp_rules == 2);
}

TEST_CASE("argument checks past the instruction limit are rule-too-complex in both program shapes") {
  Builder b;
  b.rule({"read"}, Action::Allow);
  b.rule({"socket"}, Action::Allow, {arg_condition(0, Operator::Gt, 40), arg_condition(1, Operator::Eq, 1)});
  for (auto tree : {CompileOptions::Tree::Linear, CompileOptions::Tree::Binary}) {
    CompileOptions o = on({Arch::X86_64}, tree);
    o.max_argument_instructions = 3;
    auto r = compile(b.p, o);
    CHECK_FALSE(r.ok());
    REQUIRE(r.diagnostics.count(Severity::Error) == 1);
    for (const Diagnostic& d : r.diagnostics)
      if (d.severity == Severity::Error) {
        CHECK(d.code == Code::RuleTooComplex);
        CHECK(d.pointer == "/syscalls/1");
        CHECK(d.message == "the exact argument checks for \"socket\" on x86_64 need more than 3 instructions");
      }
    o.max_argument_instructions = 1024;
    CHECK(compile(b.p, o).ok());
  }
}
