// Tests core/src/filter_layout.cpp's arch dispatch: the primary 64-bit arch
// is compared first, groups a jeq can reach are entered directly, the others
// through one trampoline, and an arch not targeted gets the bad-arch action.
#include <doctest/doctest.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <vector>

#include "filter_layout.hpp"
#include "scc/bpf.hpp"

using namespace scc;

namespace {

// A group that loads nr and returns `value` after `filler` no-op jumps.
layout::Group group(Arch arch, std::uint32_t value, std::size_t filler) {
  layout::Group g{arch, audit_arch(arch), {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)}};
  for (std::size_t i = 0; i < filler; ++i) g.code.push_back(BPF_STMT(BPF_JMP | BPF_JA, 0));
  g.code.push_back(BPF_STMT(BPF_RET | BPF_K, value));
  return g;
}

bpf::Evaluation run(const std::vector<sock_filter>& code, std::uint32_t audit) {
  bpf::SeccompData d;
  d.arch = audit;
  auto e = bpf::evaluate(bpf::Program(code), d);
  REQUIRE(e.value);
  return *e.value;
}

std::size_t count_ja(const std::vector<sock_filter>& code, std::size_t first, std::size_t last) {
  std::size_t n = 0;
  for (std::size_t i = first; i < last; ++i) n += code[i].code == (BPF_JMP | BPF_JA);
  return n;
}

}  // namespace

TEST_CASE("layout dispatch: aarch64 is compared before arm and both are entered directly when in reach") {
  const auto code = layout::dispatch({group(Arch::Arm, 2, 10), group(Arch::Aarch64, 1, 100)},
                                     SECCOMP_RET_KILL_PROCESS);
  REQUIRE(code.size() >= 4);
  CHECK(code[1].k == AUDIT_ARCH_AARCH64);
  CHECK(code[2].k == AUDIT_ARCH_ARM);
  CHECK(code[3].k == SECCOMP_RET_KILL_PROCESS);
  CHECK(count_ja(code, 0, 4) == 0);
  // ld [4], jeq, ld [0], 100 ja, ret / ld [4], jeq, jeq, ld [0], 10 ja, ret
  CHECK(run(code, AUDIT_ARCH_AARCH64).ret == 1);
  CHECK(run(code, AUDIT_ARCH_AARCH64).instructions == 104);
  CHECK(run(code, AUDIT_ARCH_ARM).ret == 2);
  CHECK(run(code, AUDIT_ARCH_ARM).instructions == 15);
  CHECK(run(code, AUDIT_ARCH_X86_64).ret == SECCOMP_RET_KILL_PROCESS);
}

TEST_CASE("layout dispatch: a group out of every jeq's reach goes through one trampoline") {
  const auto code = layout::dispatch(
      {group(Arch::X86, 2, 400), group(Arch::X86_64, 1, 300)}, SECCOMP_RET_KILL_PROCESS);
  CHECK(code[1].k == AUDIT_ARCH_X86_64);
  CHECK(code[2].k == AUDIT_ARCH_I386);
  // The smaller x86_64 group comes first and is reached directly; x86 needs a ja.
  CHECK(count_ja(code, 0, 5) == 1);
  CHECK(run(code, AUDIT_ARCH_X86_64).instructions == 2 + 302);
  CHECK(run(code, AUDIT_ARCH_I386).instructions == 4 + 402);
  CHECK(run(code, AUDIT_ARCH_I386).ret == 2);
  CHECK(run(code, AUDIT_ARCH_ARM).ret == SECCOMP_RET_KILL_PROCESS);
}

TEST_CASE("layout dispatch: arches are ordered the same on every machine") {
  CHECK(layout::dispatched_before(Arch::X86_64, Arch::X86));
  CHECK(layout::dispatched_before(Arch::X32, Arch::X86));
  CHECK(layout::dispatched_before(Arch::Aarch64, Arch::Arm));
  CHECK(layout::dispatched_before(Arch::Aarch64, Arch::X86));
  CHECK_FALSE(layout::dispatched_before(Arch::Arm, Arch::Aarch64));
}

TEST_CASE("layout share_returns: jumps go to the first identical return and unreached code is dropped") {
  const std::vector<sock_filter> code{
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3),  // 1 -> 2, else -> 5
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_JMP | BPF_JA, 1),                  // after a return: unreached
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),  // unreached
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),  // 2 -> 6, else -> 7
      BPF_STMT(BPF_JMP | BPF_JA, 1),                  // a ja to a return becomes it
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  const auto shared = layout::share_returns(code);
  const std::vector<sock_filter> expected{
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
  };
  CHECK(bpf::Program(shared) == bpf::Program(expected));
  for (std::uint32_t nr : {0u, 1u, 2u, 3u}) {
    bpf::SeccompData d;
    d.nr = static_cast<std::int32_t>(nr);
    auto before = bpf::evaluate(bpf::Program(code), d);
    auto after = bpf::evaluate(bpf::Program(shared), d);
    REQUIRE((before.value && after.value));
    CHECK(after.value->ret == before.value->ret);
    CHECK(after.value->instructions <= before.value->instructions);
  }
}
