#include <doctest/doctest.h>

#include <linux/seccomp.h>

#include <cerrno>
#include <string>
#include <vector>

#include "scc/bpf.hpp"
#include "seccomp_filter.hpp"

using namespace scc;
using namespace scc::seccomp;

namespace {

constexpr std::uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;

sock_filter ld(std::uint32_t k) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k); }
sock_filter jeq(std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
}
sock_filter jge(std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, k, jt, jf);
}
sock_filter ret(std::uint32_t k) { return BPF_STMT(BPF_RET | BPF_K, k); }

bool same(const std::vector<sock_filter>& a, const std::vector<sock_filter>& b) {
  return bpf::Program(a) == bpf::Program(b);
}

Filter make(bool tree = false) {
  auto f = Filter::create({kEperm, SECCOMP_RET_KILL_PROCESS, tree});
  REQUIRE(f.ok());
  return std::move(*f.value);
}

}  // namespace

TEST_CASE("libseccomp errors become one diagnostic with the syscall and the rule pointer") {
  Diagnostic d = libseccomp_diagnostic(-EACCES, "seccomp_rule_add_exact_array",
                                       {Arch::X86, "read", 3, "/syscalls/4"});
  CHECK(d.severity == Severity::Error);
  CHECK(d.code == Code::LibseccompFailed);
  CHECK(d.pointer == "/syscalls/4");
  CHECK(d.message ==
        "libseccomp seccomp_rule_add_exact_array for syscall \"read\" (0x3) on x86 failed: the "
        "rule's action equals the filter's default action (errno 13)");
  Diagnostic bare = libseccomp_diagnostic(-ENOMEM, "seccomp_export_bpf", {});
  CHECK(bare.pointer.empty());
  CHECK(bare.message == "libseccomp seccomp_export_bpf failed: out of memory (errno 12)");
  Diagnostic hole = libseccomp_diagnostic(-EEXIST, "seccomp_rule_add_exact_array",
                                          {Arch::Arm, {}, 17, {}});
  CHECK(hole.message.find("syscall number 0x11 on arm") != std::string::npos);
}

TEST_CASE("a rule whose action is the default is refused with its pointer") {
  Filter f = make();
  Diagnostics d = f.add_rule(kEperm, {}, {Arch::X86_64, "read", 0, "/syscalls/0"});
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].code == Code::LibseccompFailed);
  CHECK(d.items()[0].pointer == "/syscalls/0");
  CHECK(d.items()[0].message.find("equals the filter's default action") != std::string::npos);
  CHECK(f.rule_count() == 0);
}

TEST_CASE("numbers are taken as given: x86 mseal and an x32 number in a native context") {
  Filter f = make();
  CHECK(f.add_rule(SECCOMP_RET_ALLOW, {}, {Arch::X86, "mseal", 462, {}}).empty());
  const scmp_arg_cmp five{0, SCMP_CMP_EQ, 5, 0};
  CHECK(f.add_rule(SECCOMP_RET_ALLOW, {&five, 1}, {Arch::X32, "write", 0x40000001, {}}).empty());
  CHECK(f.rule_count() == 2);
  auto body = f.export_body();
  REQUIRE(body.ok());
  // Linear layout, A holds the number on entry; no arch check, no x32 guard.
  CHECK(same(*body.value, {jeq(462, 6, 0), jeq(0x40000001, 0, 4), ld(20), jeq(0, 0, 2), ld(16),
                           jeq(5, 1, 0), ret(kEperm), ret(SECCOMP_RET_ALLOW),
                           ret(SECCOMP_RET_KILL_PROCESS)}));
}

TEST_CASE("the tree layout's reload of the number is cut too") {
  Filter f = make(true);
  CHECK(f.add_rule(SECCOMP_RET_ALLOW, {}, {Arch::X86_64, "read", 0, {}}).empty());
  auto body = f.export_body();
  REQUIRE(body.ok());
  REQUIRE_FALSE(body.value->empty());
  CHECK((*body.value)[0].code != (BPF_LD | BPF_W | BPF_ABS));
  bpf::SeccompData d;
  d.nr = 0;
  std::vector<sock_filter> run{ld(0)};
  run.insert(run.end(), body.value->begin(), body.value->end());
  CHECK(bpf::evaluate(bpf::Program(run), d).value->ret == SECCOMP_RET_ALLOW);
  d.nr = 1;
  CHECK(bpf::evaluate(bpf::Program(run), d).value->ret == kEperm);
}

TEST_CASE("PFC export names the rules") {
  Filter f = make();
  CHECK(f.add_rule(SECCOMP_RET_ALLOW, {}, {Arch::X86_64, "read", 0, {}}).empty());
  auto pfc = f.export_pfc();
  REQUIRE(pfc.ok());
  CHECK(pfc.value->find("action ALLOW;") != std::string::npos);
  CHECK(pfc.value->find("action ERRNO(1);") != std::string::npos);
}

TEST_CASE("prologue: both layouts libseccomp 2.5.4 emits on x86_64 are cut") {
  const std::uint32_t arch = SCMP_ARCH_X86_64;
  // Near bad-arch return: jumps to it directly.
  std::vector<sock_filter> near{ld(4), jeq(arch, 0, 4), ld(0), jge(0x40000000, 0, 1),
                                jeq(0xffffffff, 0, 1), ret(SECCOMP_RET_ALLOW),
                                ret(SECCOMP_RET_KILL_PROCESS)};
  auto a = strip_native_prologue(near, arch);
  REQUIRE(a.ok());
  CHECK(same(*a.value, {ret(SECCOMP_RET_ALLOW), ret(SECCOMP_RET_KILL_PROCESS)}));
  // Far bad-arch return: a copy of it inline after the guard.
  std::vector<sock_filter> far{ld(4), jeq(arch, 0, 3), ld(0), jge(0x40000000, 0, 2),
                               jeq(0xffffffff, 1, 0), ret(SECCOMP_RET_KILL_PROCESS),
                               ld(0), jeq(7, 0, 1), ret(SECCOMP_RET_ALLOW), ret(kEperm)};
  auto b = strip_native_prologue(far, arch);
  REQUIRE(b.ok());
  CHECK(same(*b.value, {jeq(7, 0, 1), ret(SECCOMP_RET_ALLOW), ret(kEperm)}));
  // aarch64: no x32 guard.
  auto c = strip_native_prologue(std::vector<sock_filter>{ld(4), jeq(SCMP_ARCH_AARCH64, 0, 1), ld(0),
                                                          ret(SECCOMP_RET_ALLOW)},
                                 SCMP_ARCH_AARCH64);
  REQUIRE(c.ok());
  CHECK(same(*c.value, {ret(SECCOMP_RET_ALLOW)}));
}

TEST_CASE("prologue: anything else is refused and not guessed") {
  const std::uint32_t arch = SCMP_ARCH_X86_64;
  auto wrong_arch = strip_native_prologue(
      std::vector<sock_filter>{ld(4), jeq(SCMP_ARCH_AARCH64, 0, 1), ld(0), ret(SECCOMP_RET_ALLOW)}, arch);
  CHECK_FALSE(wrong_arch.ok());
  CHECK(wrong_arch.diagnostics.items().at(0).code == Code::LibseccompFailed);
  auto no_guard = strip_native_prologue(
      std::vector<sock_filter>{ld(4), jeq(arch, 0, 1), ld(0), ret(SECCOMP_RET_ALLOW)}, arch);
  CHECK_FALSE(no_guard.ok());
  auto empty = strip_native_prologue(std::vector<sock_filter>{}, arch);
  CHECK_FALSE(empty.ok());
}
