#include <doctest/doctest.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

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
  int fd = memfd_create("bpf", 0);
  REQUIRE(fd >= 0);
  REQUIRE(seccomp_export_bpf(ctx, fd) == 0);
  seccomp_release(ctx);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(lseek(fd, 0, SEEK_END)));
  REQUIRE(pread(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
  close(fd);
  auto program = bpf::Program::from_bytes(bytes);
  REQUIRE(program.ok());
  return *program.value;
}

const std::vector<Arch> kNative{native_arch()};

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
  const bpf::Program p = compiled(allowlist());
  const std::vector<bpf::Program> live{p};
  auto r = attest_filters(live, p, allowlist(), kNative);
  REQUIRE(r.ok());
  CHECK(r.value->byte_identical);
  CHECK_FALSE(r.value->mismatch.has_value());
}

TEST_CASE("another program with the same meaning attests equal") {
  CompileOptions binary;
  binary.tree = CompileOptions::Tree::Binary;
  const std::vector<bpf::Program> live{compiled(allowlist(), binary)};
  auto r = attest_filters(live, compiled(allowlist()), allowlist(), kNative);
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->byte_identical);
  CHECK_FALSE(r.value->mismatch.has_value());
  CHECK(r.value->calls > syscall_table(native_arch())->entries().size());
}

TEST_CASE("libseccomp's own program for the profile (as runc and crun build it) attests equal") {
  const std::vector<bpf::Program> live{libseccomp_program()};
  auto r = attest_filters(live, compiled(allowlist()), allowlist(), kNative);
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->mismatch.has_value());
}

TEST_CASE("a looser live filter is a mismatch naming the first differing call") {
  const std::vector<bpf::Program> live{compiled(allowlist(true))};
  auto r = attest_filters(live, compiled(allowlist()), allowlist(), kNative);
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
  auto r = attest_filters(live, compiled(allowlist()), allowlist(), kNative);
  REQUIRE(r.ok());
  REQUIRE(r.value->mismatch.has_value());
  CHECK(r.value->mismatch->syscall == "personality");
  CHECK(r.value->mismatch->args[0] != 0);
}

TEST_CASE("no live filter at all is a mismatch") {
  auto r = attest_filters({}, compiled(allowlist()), allowlist(), kNative);
  REQUIRE(r.ok());
  REQUIRE(r.value->mismatch.has_value());
  CHECK(r.value->mismatch->live == SECCOMP_RET_ALLOW);
}

TEST_CASE("a stricter outer filter on top of the expected one is a mismatch too") {
  const std::vector<bpf::Program> live{single(SECCOMP_RET_KILL_PROCESS), compiled(allowlist())};
  auto r = attest_filters(live, compiled(allowlist()), allowlist(), kNative);
  REQUIRE(r.ok());
  REQUIRE(r.value->mismatch.has_value());
  CHECK(r.value->mismatch->live == SECCOMP_RET_KILL_PROCESS);
}

TEST_CASE("a looser filter under the expected one changes nothing") {
  const std::vector<bpf::Program> live{compiled(allowlist()), single(SECCOMP_RET_ALLOW)};
  auto r = attest_filters(live, compiled(allowlist()), allowlist(), kNative);
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->mismatch.has_value());
}

TEST_CASE("a live program the kernel would reject is an error") {
  const std::vector<bpf::Program> live{bpf::Program({sock_filter{BPF_LD | BPF_W | BPF_ABS, 0, 0, 3}})};
  auto r = attest_filters(live, compiled(allowlist()), allowlist(), kNative);
  CHECK_FALSE(r.ok());
  CHECK(r.diagnostics.has_errors());
}
