#include <doctest/doctest.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <memory>

#include "scc/bpf_cache.hpp"
#include "support/libseccomp_export.hpp"

using namespace scc;
using namespace scc::bpf;

namespace {

constexpr std::uint32_t kX86_64 = AUDIT_ARCH_X86_64;

sock_filter ld_abs(std::uint32_t k) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k); }
sock_filter ret_k(std::uint32_t k) { return BPF_STMT(BPF_RET | BPF_K, k); }
sock_filter jeq(std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
}

// x86_64 only: read (0) allowed; write (1) allowed when args[0] low == 1;
// close (3) allowed on both edges of an instruction-pointer test; else ERRNO.
Program mixed_program() {
  return Program({
      ld_abs(4),                            // 0
      jeq(kX86_64, 0, 10),                  // 1
      ld_abs(0),                            // 2
      jeq(0, 9, 0),                         // 3  read -> 13
      jeq(1, 0, 2),                         // 4  write -> 5
      ld_abs(16),                           // 5
      jeq(1, 6, 3),                         // 6  -> 13 / 10
      jeq(3, 0, 2),                         // 7  close -> 8, else 10
      ld_abs(8),                            // 8
      jeq(0, 3, 4),                         // 9  -> 13 / 14, both ALLOW
      ret_k(SECCOMP_RET_ERRNO | 1),         // 10
      ret_k(SECCOMP_RET_ERRNO | 1),         // 11
      ret_k(SECCOMP_RET_KILL_PROCESS),      // 12
      ret_k(SECCOMP_RET_ALLOW),             // 13
      ret_k(SECCOMP_RET_ALLOW),             // 14
  });
}

}  // namespace

TEST_CASE("constant allow: only nr and arch decide") {
  const Program p({ld_abs(4), jeq(kX86_64, 0, 3), ld_abs(0), jeq(0, 0, 1),
                   ret_k(SECCOMP_RET_ALLOW), ret_k(SECCOMP_RET_ERRNO | 1)});
  CacheProbe read = probe_const_allow(p, kX86_64, 0);
  CHECK(read.verdict == CacheVerdict::ConstAllow);
  CHECK(read.stopped_at == 4);
  CHECK(is_const_allow(p, kX86_64, 0));
  CacheProbe write = probe_const_allow(p, kX86_64, 1);
  CHECK(write.verdict == CacheVerdict::ConstOther);
  CHECK(write.stopped_at == 5);
  CHECK_FALSE(is_const_allow(p, kX86_64, 1));
  CacheProbe i386 = probe_const_allow(p, AUDIT_ARCH_I386, 0);
  CHECK(i386.verdict == CacheVerdict::ConstOther);
  CHECK(i386.stopped_at == 5);
}

TEST_CASE("an argument load on a syscall's path makes only that syscall uncacheable") {
  const Program p = mixed_program();
  CHECK(probe_const_allow(p, kX86_64, 0).verdict == CacheVerdict::ConstAllow);
  CacheProbe write = probe_const_allow(p, kX86_64, 1);
  CHECK(write.verdict == CacheVerdict::DataDependent);
  CHECK(write.stopped_at == 5);
  CacheProbe close = probe_const_allow(p, kX86_64, 3);
  CHECK(close.verdict == CacheVerdict::DataDependent);
  CHECK(close.stopped_at == 8);
}

TEST_CASE("an instruction-pointer load before dispatch makes nothing cacheable") {
  const Program p({ld_abs(8), ld_abs(0), jeq(0, 0, 1), ret_k(SECCOMP_RET_ALLOW),
                   ret_k(SECCOMP_RET_KILL_PROCESS)});
  for (std::uint32_t nr : {0u, 1u, 59u}) {
    CacheProbe probe = probe_const_allow(p, kX86_64, nr);
    CHECK(probe.verdict == CacheVerdict::DataDependent);
    CHECK(probe.stopped_at == 0);
  }
}

TEST_CASE("the kernel's emulator follows and #k - ja - jge - jgt and jset") {
  // nr & 0xff == 1, then nr >= 0x100, nr > 0x100, nr & 0x200: allow 0x201 only.
  const Program p({
      ld_abs(0),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x100, 0, 7),
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0x100, 0, 6),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x200, 0, 5),
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
      jeq(1, 0, 3),
      BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
      ret_k(SECCOMP_RET_KILL_PROCESS),
      ret_k(SECCOMP_RET_ALLOW),
      ret_k(SECCOMP_RET_ERRNO | 1),
  });
  CacheProbe hit = probe_const_allow(p, kX86_64, 0x201);
  CHECK(hit.verdict == CacheVerdict::ConstAllow);
  CHECK(hit.stopped_at == 8);
  CHECK(probe_const_allow(p, kX86_64, 0x202).verdict == CacheVerdict::ConstOther);
  CHECK(probe_const_allow(p, kX86_64, 0x100).verdict == CacheVerdict::ConstOther);
  CHECK(probe_const_allow(p, kX86_64, 0x101).verdict == CacheVerdict::ConstOther);
}

TEST_CASE("what the kernel's emulator gives up on") {
  auto verdict = [](std::vector<sock_filter> insns) {
    return probe_const_allow(Program(std::move(insns)), kX86_64, 0);
  };
  // RET A, even of the ALLOW constant
  CacheProbe ret_a = verdict({BPF_STMT(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW),
                              BPF_STMT(BPF_RET | BPF_A, 0)});
  CHECK(ret_a.verdict == CacheVerdict::UnsupportedInsn);
  CHECK(ret_a.stopped_at == 0);  // ld #k is already unsupported
  CHECK(verdict({ld_abs(0), BPF_STMT(BPF_MISC | BPF_TAX, 0), ret_k(SECCOMP_RET_ALLOW)}).verdict ==
        CacheVerdict::UnsupportedInsn);
  CHECK(verdict({ld_abs(0), BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 1), ret_k(SECCOMP_RET_ALLOW)})
            .verdict == CacheVerdict::UnsupportedInsn);
  CHECK(verdict({ld_abs(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
                 ret_k(SECCOMP_RET_ALLOW)})
            .verdict == CacheVerdict::UnsupportedInsn);
  CHECK(verdict({BPF_STMT(BPF_ST, 0), ret_k(SECCOMP_RET_ALLOW)}).verdict ==
        CacheVerdict::UnsupportedInsn);
  // ALLOW with data bits is allowed by the kernel, but not cached.
  CHECK(verdict({ret_k(SECCOMP_RET_ALLOW | 1)}).verdict == CacheVerdict::ConstOther);
  CHECK(verdict({ret_k(SECCOMP_RET_LOG)}).verdict == CacheVerdict::ConstOther);
  CacheProbe off = verdict({ld_abs(0)});
  CHECK(off.verdict == CacheVerdict::RanOffEnd);
  CHECK(off.stopped_at == 1);
}

TEST_CASE("always_allows explores every path where args and ip are unknown") {
  const Program p = mixed_program();
  CHECK(always_allows(p, kX86_64, 0));            // read
  CHECK_FALSE(always_allows(p, kX86_64, 1));      // write: args[0] decides
  CHECK(always_allows(p, kX86_64, 3));            // close: both ip edges allow
  CHECK_FALSE(always_allows(p, kX86_64, 2));      // open: ERRNO
  CHECK_FALSE(always_allows(p, AUDIT_ARCH_I386, 3));
  // RET A of a known constant, scratch memory, and X are followed.
  CHECK(always_allows(Program({BPF_STMT(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW), BPF_STMT(BPF_ST, 1),
                               ld_abs(16), BPF_STMT(BPF_LDX | BPF_MEM, 1),
                               BPF_STMT(BPF_MISC | BPF_TXA, 0), BPF_STMT(BPF_RET | BPF_A, 0)}),
                      kX86_64, 0));
  // RET A of an argument is not always ALLOW.
  CHECK_FALSE(always_allows(Program({ld_abs(16), BPF_STMT(BPF_RET | BPF_A, 0)}), kX86_64, 0));
  // Division by an unknown X may be by zero, which returns 0.
  CHECK_FALSE(always_allows(Program({ld_abs(16), BPF_STMT(BPF_MISC | BPF_TAX, 0),
                                     BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
                                     ret_k(SECCOMP_RET_ALLOW)}),
                            kX86_64, 0));
  // ALLOW with data bits still allows.
  CHECK(always_allows(Program({ret_k(SECCOMP_RET_ALLOW | 1)}), kX86_64, 0));
}

TEST_CASE("cache_report lists the always-allowed syscalls the kernel will not cache") {
  const std::array<Arch, 3> arches{Arch::X86_64, Arch::Mips, Arch::X86};
  const auto reports = cache_report(mixed_program(), arches);
  REQUIRE(reports.size() == 2);  // mips has no table
  const ArchCacheReport& x86_64 = reports[0];
  CHECK(x86_64.arch == Arch::X86_64);
  CHECK(x86_64.allowed_arg_free == std::vector<std::uint32_t>{0, 3});
  CHECK(x86_64.beyond_bitmap.empty());
  REQUIRE(x86_64.uncached.size() == 1);
  CHECK(x86_64.uncached[0].name == "close");
  CHECK(x86_64.uncached[0].nr == 3);
  CHECK(x86_64.uncached[0].probe.verdict == CacheVerdict::DataDependent);
  CHECK(x86_64.uncached[0].probe.stopped_at == 8);
  const ArchCacheReport& x86 = reports[1];
  CHECK(x86.arch == Arch::X86);
  CHECK(x86.allowed_arg_free.empty());
  CHECK(x86.uncached.empty());
}

TEST_CASE("x32 numbers are outside the kernel's bitmaps") {
  // x86_64 arch: allow x32 read (0x40000000) and x86_64 read (0).
  const Program p({ld_abs(4), jeq(kX86_64, 0, 3), ld_abs(0), jeq(0x40000000, 2, 0), jeq(0, 1, 0),
                   ret_k(SECCOMP_RET_ERRNO | 1), ret_k(SECCOMP_RET_ALLOW)});
  const std::array<Arch, 2> arches{Arch::X32, Arch::X86_64};
  const auto reports = cache_report(p, arches);
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].arch == Arch::X32);
  CHECK(reports[0].allowed_arg_free == std::vector<std::uint32_t>{0x40000000});
  CHECK(reports[0].beyond_bitmap == std::vector<std::uint32_t>{0x40000000});
  CHECK(reports[0].uncached.empty());
  CHECK(reports[1].allowed_arg_free == std::vector<std::uint32_t>{0});
  CHECK(reports[1].beyond_bitmap.empty());
  CHECK(reports[1].uncached.empty());
}

namespace {

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};


}  // namespace

TEST_CASE("a libseccomp program on x86_64 + x86: every argument-free allowed syscall is cached") {
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(SCMP_ACT_ERRNO(1)));
  REQUIRE(ctx);
  if (seccomp_arch_exist(ctx.get(), SCMP_ARCH_X86_64) != 0) {
    REQUIRE(seccomp_arch_add(ctx.get(), SCMP_ARCH_X86_64) == 0);
    REQUIRE(seccomp_arch_remove(ctx.get(), SCMP_ARCH_NATIVE) == 0);
  }
  REQUIRE(seccomp_arch_add(ctx.get(), SCMP_ARCH_X86) == 0);
  // Names resolve per arch inside libseccomp; the number given is x86_64's.
  REQUIRE(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW,
                           seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "read"), 0) == 0);
  REQUIRE(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW,
                           seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "close"), 0) == 0);
  REQUIRE(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW,
                           seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "write"), 1,
                           SCMP_A0(SCMP_CMP_EQ, 1)) == 0);
  const Program p = scc::test::libseccomp_export(ctx.get());

  const std::array<Arch, 2> arches{Arch::X86_64, Arch::X86};
  const auto reports = cache_report(p, arches);
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].allowed_arg_free == std::vector<std::uint32_t>{0, 3});  // read, close
  CHECK(reports[0].uncached.empty());
  CHECK(reports[1].allowed_arg_free == std::vector<std::uint32_t>{3, 6});  // read, close on i386
  CHECK(reports[1].uncached.empty());
  // write has an argument rule: allowed for some arguments, never cached.
  CHECK(probe_const_allow(p, kX86_64, 1).verdict == CacheVerdict::DataDependent);
}
