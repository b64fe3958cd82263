#include <doctest/doctest.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "support/libseccomp_export.hpp"
#include "scc/compile.hpp"
#include "scc/filter_attestation.hpp"
#include "scc/syscall_table.hpp"

using namespace scc;

namespace {

// read, write, exit_group allowed; personality(0) allowed; the rest EPERM.
Profile allowlist(bool with_ptrace = false) {
  Profile p;
  p.dialect = Dialect::Oci;
  p.default_action = Action::Errno;
  p.default_errno_ret = EPERM;
  SyscallRule allow;
  allow.names = {"read", "write", "exit_group"};
  if (with_ptrace) allow.names.push_back("ptrace");
  allow.action = Action::Allow;
  SyscallRule personality;
  personality.names = {"personality"};
  personality.action = Action::Allow;
  ArgCondition zero;
  zero.index = 0;
  zero.value = 0;
  zero.op = Operator::Eq;
  personality.args = {zero};
  p.syscalls = {allow, personality};
  return p;
}

bpf::Program compiled(const Profile& p, CompileOptions o = {}) {
  auto r = compile(p, o);
  REQUIRE(r.ok());
  return r.value->program;
}

bpf::Program single(std::uint32_t ret) {
  return bpf::Program({sock_filter{BPF_RET | BPF_K, 0, 0, ret}});
}

// The same allowlist compiled by libseccomp alone, as runc and crun do.
bpf::Program libseccomp_program() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
  REQUIRE(ctx != nullptr);
  for (const char* name : {"read", "write", "exit_group"})
    REQUIRE(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name(name), 0) == 0);
  REQUIRE(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name("personality"), 1,
                           SCMP_A0(SCMP_CMP_EQ, 0)) == 0);
  bpf::Program program = test::libseccomp_export(ctx);
  seccomp_release(ctx);
  return program;
}

const std::vector<Arch> kNative{native_arch()};

// attest_filters() against `profile` compiled by this project, on the native arch.
Result<Attestation> attest(const std::vector<bpf::Program>& live, const Profile& profile) {
  auto r = compile(profile, CompileOptions{});
  REQUIRE(r.ok());
  return attest_filters(live, ExpectedFilter{r.value->program, &profile, r.value->default_action}, kNative);
}

}  // namespace

TEST_CASE("the stack: the most restrictive action wins and the newest among equals") {
  bpf::SeccompData data;
  const std::vector<bpf::Program> kill_over_errno{single(SECCOMP_RET_ERRNO | 1), single(SECCOMP_RET_KILL_PROCESS)};
  CHECK(*evaluate_stack(kill_over_errno, data).value == SECCOMP_RET_KILL_PROCESS);
  const std::vector<bpf::Program> newest_errno{single(SECCOMP_RET_ERRNO | 1), single(SECCOMP_RET_ERRNO | 2)};
  CHECK(*evaluate_stack(newest_errno, data).value == (SECCOMP_RET_ERRNO | 1));
  const std::vector<bpf::Program> errno_over_allow{single(SECCOMP_RET_ALLOW), single(SECCOMP_RET_ERRNO | 5)};
  CHECK(*evaluate_stack(errno_over_allow, data).value == (SECCOMP_RET_ERRNO | 5));
  CHECK(*evaluate_stack({}, data).value == SECCOMP_RET_ALLOW);
}

TEST_CASE("the expected program itself is byte-identical") {
  const std::vector<bpf::Program> live{compiled(allowlist())};
  auto r = attest(live, allowlist());
  REQUIRE(r.ok());
  CHECK(r.value->byte_identical);
  CHECK_FALSE(r.value->mismatch.has_value());
}

TEST_CASE("another program with the same meaning attests equal") {
  CompileOptions binary;
  binary.tree = CompileOptions::Tree::Binary;
  const std::vector<bpf::Program> live{compiled(allowlist(), binary)};
  auto r = attest(live, allowlist());
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->byte_identical);
  CHECK_FALSE(r.value->mismatch.has_value());
  CHECK(r.value->mismatches.proven);
  CHECK(r.value->mismatches.syscalls_compared == syscall_table(native_arch())->entries().size());
  CHECK(r.value->tolerated.empty());
}

TEST_CASE("libseccomp's own program for the profile (as runc and crun build it) attests equal") {
  const std::vector<bpf::Program> live{libseccomp_program()};
  auto r = attest(live, allowlist());
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->mismatch.has_value());
}

TEST_CASE("a looser live filter is a mismatch naming the first differing call") {
  const std::vector<bpf::Program> live{compiled(allowlist(true))};
  auto r = attest(live, allowlist());
  REQUIRE(r.ok());
  REQUIRE(r.value->mismatch.has_value());
  const FilterMismatch& m = *r.value->mismatch;
  CHECK(m.syscall == "ptrace");
  CHECK(m.live == SECCOMP_RET_ALLOW);
  CHECK(m.expected == (SECCOMP_RET_ERRNO | EPERM));
  CHECK(describe(m) == std::string(native_arch() == Arch::X86_64 ? "x86_64 ptrace(nr 101" : "aarch64 ptrace(nr 117") +
                           ", args 0 0 0 0 0 0): live ALLOW, expected ERRNO(1) EPERM");
}

TEST_CASE("a live filter that ignores an argument condition is a mismatch") {
  Profile any_personality = allowlist();
  any_personality.syscalls[1].args.clear();
  const std::vector<bpf::Program> live{compiled(any_personality)};
  auto r = attest(live, allowlist());
  REQUIRE(r.ok());
  REQUIRE(r.value->mismatch.has_value());
  CHECK(r.value->mismatch->syscall == "personality");
  CHECK(r.value->mismatch->args[0] != 0);
}

TEST_CASE("no live filter at all is a mismatch") {
  auto r = attest({}, allowlist());
  REQUIRE(r.ok());
  REQUIRE(r.value->mismatch.has_value());
  CHECK(r.value->mismatch->live == SECCOMP_RET_ALLOW);
}

TEST_CASE("a stricter outer filter on top of the expected one is a mismatch too") {
  const std::vector<bpf::Program> live{single(SECCOMP_RET_KILL_PROCESS), compiled(allowlist())};
  auto r = attest(live, allowlist());
  REQUIRE(r.ok());
  REQUIRE(r.value->mismatch.has_value());
  CHECK(r.value->mismatch->live == SECCOMP_RET_KILL_PROCESS);
}

TEST_CASE("a looser filter under the expected one changes nothing") {
  const std::vector<bpf::Program> live{compiled(allowlist()), single(SECCOMP_RET_ALLOW)};
  auto r = attest(live, allowlist());
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->mismatch.has_value());
}

TEST_CASE("a live program the kernel would reject is an error") {
  const std::vector<bpf::Program> live{bpf::Program({sock_filter{BPF_LD | BPF_W | BPF_ABS, 0, 0, 3}})};
  auto r = attest(live, allowlist());
  CHECK_FALSE(r.ok());
  CHECK(r.diagnostics.has_errors());
}

// --- the tolerated differences (filter_attestation.hpp), each with its limit -----

namespace {

Profile rule_profile(Action default_action, std::uint16_t default_errno, std::vector<SyscallRule> rules) {
  Profile p;
  p.dialect = Dialect::Oci;
  p.default_action = default_action;
  if (default_action == Action::Errno) p.default_errno_ret = default_errno;
  p.syscalls = std::move(rules);
  return p;
}

SyscallRule rule(std::vector<std::string> names, Action action, std::vector<ArgCondition> args = {},
                 std::optional<std::uint64_t> errno_ret = std::nullopt) {
  SyscallRule r;
  r.names = std::move(names);
  r.action = action;
  r.args = std::move(args);
  r.errno_ret = errno_ret;
  return r;
}

ArgCondition arg(unsigned index, std::uint64_t value, Operator op) {
  ArgCondition c;
  c.index = index;
  c.value = value;
  c.op = op;
  return c;
}

// What runc's libseccomp builds for `rules` (names it cannot resolve dropped),
// default ERRNO(default_errno) or ALLOW.
bpf::Program libseccomp_build(std::uint32_t default_action, const std::vector<std::tuple<std::string, std::uint32_t, std::vector<scmp_arg_cmp>>>& rules) {
  scmp_filter_ctx ctx = seccomp_init(default_action);
  REQUIRE(ctx != nullptr);
  for (const auto& [name, action, args] : rules) {
    const int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;
    REQUIRE(seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(args.size()), args.data()) == 0);
  }
  bpf::Program program = test::libseccomp_export(ctx);
  seccomp_release(ctx);
  return program;
}

std::vector<std::string> tolerated_list(const Attestation& a) {
  std::vector<std::string> out;
  for (const ToleratedDifference& t : a.tolerated)
    out.push_back(std::string(to_string(t.tolerance)) + " " + t.difference.name);
  return out;
}

}  // namespace

TEST_CASE("tolerated - runc's 64-bit compare of a 32-bit argument differs only with high bits set") {
  if (native_arch() != Arch::X86_64) return;  // socket's number and width below are x86_64's
  // moby's socket rule: allowed unless the family is AF_VSOCK (40).
  const Profile p = rule_profile(Action::Errno, EPERM,
                                 {rule({"read", "write", "exit_group"}, Action::Allow),
                                  rule({"socket"}, Action::Allow, {arg(0, 40, Operator::Ne)})});
  const std::vector<bpf::Program> live{libseccomp_build(
      SCMP_ACT_ERRNO(EPERM), {{"read", SCMP_ACT_ALLOW, {}}, {"write", SCMP_ACT_ALLOW, {}},
                              {"exit_group", SCMP_ACT_ALLOW, {}}, {"socket", SCMP_ACT_ALLOW, {SCMP_A0(SCMP_CMP_NE, 40)}}})};
  auto r = attest(live, p);
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->mismatch.has_value());
  CHECK(tolerated_list(*r.value) == std::vector<std::string>{"32-bit-argument-high-bits socket"});
  // Every tolerated region has arg0's high half away from zero: 0x1_00000028 is
  // allowed by runc's filter (its weakness), denied by ours.
  for (const Region& region : r.value->tolerated.front().difference.regions) {
    CHECK_FALSE(region.fields[0].high.contains(0));
  }
  // A real difference in the low half is still a mismatch: runc's filter
  // comparing against AF_UNIX (1) instead.
  const std::vector<bpf::Program> wrong{libseccomp_build(
      SCMP_ACT_ERRNO(EPERM), {{"read", SCMP_ACT_ALLOW, {}}, {"write", SCMP_ACT_ALLOW, {}},
                              {"exit_group", SCMP_ACT_ALLOW, {}}, {"socket", SCMP_ACT_ALLOW, {SCMP_A0(SCMP_CMP_NE, 1)}}})};
  auto bad = attest(wrong, p);
  REQUIRE(bad.ok());
  REQUIRE(bad.value->mismatch.has_value());
  CHECK(describe(*bad.value->mismatch) == "x86_64 socket(nr 41, args 1 0 0 0 0 0): live ERRNO(1) EPERM, expected ALLOW");
}

TEST_CASE("tolerated - a syscall libseccomp does not know where the live filter is stricter - not where it is looser") {
  if (native_arch() != Arch::X86_64) return;
  const std::string unknown = "lsm_list_modules";  // newer than the linked libseccomp 2.5
  if (seccomp_syscall_resolve_name(unknown.c_str()) != __NR_SCMP_ERROR) return;
  REQUIRE_FALSE(libseccomp_knows(Arch::X86_64, unknown));
  // Allowed by the profile; runc drops the rule, so the call gets the default EPERM.
  const Profile allows = rule_profile(Action::Errno, EPERM,
                                      {rule({"read", "write", "exit_group", unknown}, Action::Allow)});
  const std::vector<bpf::Program> stricter{libseccomp_build(
      SCMP_ACT_ERRNO(EPERM), {{"read", SCMP_ACT_ALLOW, {}}, {"write", SCMP_ACT_ALLOW, {}},
                              {"exit_group", SCMP_ACT_ALLOW, {}}, {unknown, SCMP_ACT_ALLOW, {}}})};
  auto r = attest(stricter, allows);
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->mismatch.has_value());
  CHECK(tolerated_list(*r.value) == std::vector<std::string>{"unknown-to-libseccomp " + unknown});
  // Denied by the profile under a default ALLOW; runc drops the rule and allows it.
  const Profile denies = rule_profile(Action::Allow, 0, {rule({unknown}, Action::Errno, {}, EACCES)});
  const std::vector<bpf::Program> looser{libseccomp_build(SCMP_ACT_ALLOW, {{unknown, SCMP_ACT_ERRNO(EACCES), {}}})};
  auto bad = attest(looser, denies);
  REQUIRE(bad.ok());
  REQUIRE(bad.value->mismatch.has_value());
  CHECK(describe(*bad.value->mismatch) == "x86_64 " + unknown + "(nr 461, args 0 0 0 0 0 0): live ALLOW, expected ERRNO(13) EACCES");
}

TEST_CASE("tolerated - runc's ENOSYS stub above the highest named syscall - not below it or for a named one") {
  if (native_arch() != Arch::X86_64) return;
  // Names read (0), write (1) and exit_group (231).
  const Profile p = allowlist();  // personality (135) too
  // runc's stub as its own newer filter: numbers above 231 get ENOSYS.
  const bpf::Program stub({sock_filter{BPF_LD | BPF_W | BPF_ABS, 0, 0, 0},
                           sock_filter{BPF_JMP | BPF_JGT | BPF_K, 0, 1, 231},
                           sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS},
                           sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW}});
  const std::vector<bpf::Program> live{stub, compiled(p)};
  auto r = attest(live, p);
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->mismatch.has_value());
  REQUIRE_FALSE(r.value->tolerated.empty());
  for (const ToleratedDifference& t : r.value->tolerated) {
    CHECK(t.tolerance == Tolerance::RuncEnosysStub);
    CHECK(t.difference.numbers.first > 231);
  }
  CHECK(r.value->tolerated.front().difference.name == "epoll_wait");  // 232
  // The same stub starting below the highest named syscall (above 135): ENOSYS
  // for numbers the profile's own rules cover is a mismatch.
  const bpf::Program early({sock_filter{BPF_LD | BPF_W | BPF_ABS, 0, 0, 0},
                            sock_filter{BPF_JMP | BPF_JGT | BPF_K, 0, 1, 135},
                            sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS},
                            sock_filter{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW}});
  const std::vector<bpf::Program> wrong{early, compiled(p)};
  auto bad = attest(wrong, p);
  REQUIRE(bad.ok());
  REQUIRE(bad.value->mismatch.has_value());
  CHECK(describe(*bad.value->mismatch) == "x86_64 ustat(nr 136, args 0 0 0 0 0 0): live ERRNO(38) ENOSYS, expected ERRNO(1) EPERM");
}

TEST_CASE("every tolerance has a name and a reason") {
  for (Tolerance t : {Tolerance::RuncEnosysStub, Tolerance::HighBitsOf32BitArgument, Tolerance::UnknownToLibseccomp}) {
    CHECK_FALSE(to_string(t).empty());
    CHECK(tolerance_reason(t).size() > 40);
  }
}

TEST_CASE("the tolerated differences in one line - six named - then how many more") {
  std::vector<ToleratedDifference> list;
  CHECK(describe_tolerated(list) == "");
  for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
    ToleratedDifference t;
    t.tolerance = Tolerance::UnknownToLibseccomp;
    t.difference.arch = Arch::X86;
    t.difference.name = name;
    list.push_back(t);
  }
  list.front().tolerance = Tolerance::RuncEnosysStub;
  list.front().difference.arch = Arch::X86_64;
  CHECK(describe_tolerated(list) ==
        "8 tolerated: runc-enosys-stub x86_64:a, unknown-to-libseccomp x86:b, unknown-to-libseccomp x86:c, "
        "unknown-to-libseccomp x86:d, unknown-to-libseccomp x86:e, unknown-to-libseccomp x86:f and 2 more");
}
