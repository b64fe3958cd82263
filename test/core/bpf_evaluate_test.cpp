#include <doctest/doctest.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bit>
#include <memory>

#include "scc/bpf.hpp"
#include "support/libseccomp_export.hpp"

using namespace scc;
using namespace scc::bpf;

namespace {

constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;

SeccompData sample_data() {
  SeccompData d;
  d.nr = 59;
  d.arch = AUDIT_ARCH_X86_64;
  d.instruction_pointer = 0x1122334455667788ull;
  d.args = {0xaaaabbbbccccddddull, 1, 2, 3, 4, 0x0102030405060708ull};
  return d;
}

Evaluation run_ok(const Program& p, const SeccompData& d = sample_data()) {
  auto r = evaluate(p, d);
  REQUIRE_MESSAGE(r.ok(), (r.diagnostics.empty() ? "" : r.diagnostics.items()[0].message));
  return *r.value;
}

std::uint32_t ret_of(std::vector<sock_filter> insns, const SeccompData& d = sample_data()) {
  return run_ok(Program(std::move(insns)), d).ret;
}

// A fault found while running (evaluate_prechecked skips the whole-program check).
Diagnostic run_fault(std::vector<sock_filter> insns) {
  auto r = evaluate_prechecked(Program(std::move(insns)), sample_data());
  REQUIRE_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  return r.diagnostics.items()[0];
}

sock_filter ld_abs(std::uint32_t k) { return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k); }
sock_filter ret_a() { return BPF_STMT(BPF_RET | BPF_A, 0); }
sock_filter ret_k(std::uint32_t k) { return BPF_STMT(BPF_RET | BPF_K, k); }

}  // namespace

TEST_CASE("A and X start at zero") {
  CHECK(ret_of({ret_a()}) == 0);
  CHECK(ret_of({BPF_STMT(BPF_MISC | BPF_TXA, 0), ret_a()}) == 0);
}

TEST_CASE("ld (k) reads struct seccomp_data in host byte order") {
  const bool le = std::endian::native == std::endian::little;
  CHECK(ret_of({ld_abs(0), ret_a()}) == 59);
  CHECK(ret_of({ld_abs(4), ret_a()}) == AUDIT_ARCH_X86_64);
  CHECK(ret_of({ld_abs(8), ret_a()}) == (le ? 0x55667788u : 0x11223344u));
  CHECK(ret_of({ld_abs(12), ret_a()}) == (le ? 0x11223344u : 0x55667788u));
  CHECK(ret_of({ld_abs(16), ret_a()}) == (le ? 0xccccddddu : 0xaaaabbbbu));
  CHECK(ret_of({ld_abs(20), ret_a()}) == (le ? 0xaaaabbbbu : 0xccccddddu));
  CHECK(ret_of({ld_abs(56), ret_a()}) == (le ? 0x05060708u : 0x01020304u));
  CHECK(ret_of({ld_abs(60), ret_a()}) == (le ? 0x01020304u : 0x05060708u));
}

TEST_CASE("a negative nr is read as its 32-bit pattern") {
  SeccompData d = sample_data();
  d.nr = -1;
  CHECK(ret_of({ld_abs(0), ret_a()}, d) == 0xffffffffu);
}

TEST_CASE("ld len and ldx len are sizeof(struct seccomp_data)") {
  CHECK(ret_of({BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), ret_a()}) == 64);
  CHECK(ret_of({BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_MISC | BPF_TXA, 0), ret_a()}) ==
        64);
}

TEST_CASE("immediates - tax and txa") {
  CHECK(ret_of({BPF_STMT(BPF_LD | BPF_IMM, 7), ret_a()}) == 7);
  CHECK(ret_of({BPF_STMT(BPF_LDX | BPF_IMM, 9), BPF_STMT(BPF_MISC | BPF_TXA, 0), ret_a()}) == 9);
  CHECK(ret_of({BPF_STMT(BPF_LD | BPF_IMM, 5), BPF_STMT(BPF_MISC | BPF_TAX, 0),
                BPF_STMT(BPF_LD | BPF_IMM, 1), BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), ret_a()}) ==
        6);
}

TEST_CASE("scratch memory: st - stx - ld M(k) - ldx M(k)") {
  CHECK(ret_of({BPF_STMT(BPF_LD | BPF_IMM, 11), BPF_STMT(BPF_ST, 3), BPF_STMT(BPF_LD | BPF_IMM, 0),
                BPF_STMT(BPF_LD | BPF_MEM, 3), ret_a()}) == 11);
  CHECK(ret_of({BPF_STMT(BPF_LDX | BPF_IMM, 12), BPF_STMT(BPF_STX, 15),
                BPF_STMT(BPF_LDX | BPF_IMM, 0), BPF_STMT(BPF_LDX | BPF_MEM, 15),
                BPF_STMT(BPF_MISC | BPF_TXA, 0), ret_a()}) == 12);
}

TEST_CASE("ALU operations are 32-bit unsigned - with K and with X") {
  struct Case {
    std::uint16_t op;
    std::uint32_t a, v, expected;
  };
  const Case cases[] = {
      {BPF_ADD, 0xffffffffu, 2, 1},        {BPF_SUB, 1, 2, 0xffffffffu},
      {BPF_MUL, 0x10000, 0x10000, 0},      {BPF_MUL, 6, 7, 42},
      {BPF_DIV, 7, 2, 3},                  {BPF_DIV, 0xffffffffu, 0x10, 0x0fffffff},
      {BPF_AND, 0xf0f0, 0xff00, 0xf000},   {BPF_OR, 0xf0f0, 0x0f00, 0xfff0},
      {BPF_XOR, 0xff00, 0x0ff0, 0xf0f0},   {BPF_LSH, 1, 31, 0x80000000u},
      {BPF_LSH, 0x80000001u, 1, 2},        {BPF_RSH, 0x80000000u, 31, 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.op);
    CAPTURE(c.a);
    CHECK(ret_of({BPF_STMT(BPF_LD | BPF_IMM, c.a), BPF_STMT(BPF_ALU | c.op | BPF_K, c.v),
                  ret_a()}) == c.expected);
    CHECK(ret_of({BPF_STMT(BPF_LD | BPF_IMM, c.a), BPF_STMT(BPF_LDX | BPF_IMM, c.v),
                  BPF_STMT(BPF_ALU | c.op | BPF_X, 0), ret_a()}) == c.expected);
  }
  CHECK(ret_of({BPF_STMT(BPF_LD | BPF_IMM, 1), BPF_STMT(BPF_ALU | BPF_NEG, 0), ret_a()}) ==
        0xffffffffu);
  CHECK(ret_of({BPF_STMT(BPF_ALU | BPF_NEG, 0), ret_a()}) == 0);
}

TEST_CASE("div by X == 0 ends the program with 0 (KILL_THREAD) - as the kernel's converter does") {
  auto ev = run_ok(Program({BPF_STMT(BPF_LD | BPF_IMM, 7), BPF_STMT(BPF_LDX | BPF_IMM, 0),
                            BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), ret_k(kAllow)}));
  CHECK(ev.ret == 0);
  CHECK(ev.decided_at == 2);
  CHECK(ev.instructions == 3);
}

TEST_CASE("jumps: ja and the four conditions with K and X - unsigned") {
  // ld #a; ldx #v; j?? ; ret 1 (false) ; ret 2 (true)
  auto cond = [](std::uint16_t op, std::uint16_t src, std::uint32_t a, std::uint32_t v) {
    return ret_of({BPF_STMT(BPF_LD | BPF_IMM, a), BPF_STMT(BPF_LDX | BPF_IMM, v),
                   BPF_JUMP(BPF_JMP | op | src, v, 1, 0), ret_k(1), ret_k(2)});
  };
  for (std::uint16_t src : {std::uint16_t{BPF_K}, std::uint16_t{BPF_X}}) {
    CAPTURE(src);
    CHECK(cond(BPF_JEQ, src, 5, 5) == 2);
    CHECK(cond(BPF_JEQ, src, 5, 6) == 1);
    CHECK(cond(BPF_JGT, src, 6, 5) == 2);
    CHECK(cond(BPF_JGT, src, 5, 5) == 1);
    CHECK(cond(BPF_JGT, src, 0x80000000u, 1) == 2);  // unsigned, not signed
    CHECK(cond(BPF_JGE, src, 5, 5) == 2);
    CHECK(cond(BPF_JGE, src, 4, 5) == 1);
    CHECK(cond(BPF_JSET, src, 0x6, 0x4) == 2);
    CHECK(cond(BPF_JSET, src, 0x6, 0x1) == 1);
  }
  CHECK(ret_of({BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0), ret_k(1), ret_k(2)}) == 2);
}

TEST_CASE("instruction counts and the deciding RET follow the path taken") {
  const Program p({ld_abs(0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 59, 0, 2),
                   BPF_JUMP(BPF_JMP | BPF_JA, 3, 0, 0), ret_k(1), ret_k(2), ret_k(3), ret_k(4)});
  auto taken = run_ok(p);
  CHECK(taken.ret == 4);
  CHECK(taken.instructions == 4);  // ld, jeq, ja, ret
  CHECK(taken.decided_at == 6);
  SeccompData other = sample_data();
  other.nr = 60;
  auto not_taken = run_ok(p, other);
  CHECK(not_taken.ret == 2);
  CHECK(not_taken.instructions == 3);  // ld, jeq, ret
  CHECK(not_taken.decided_at == 4);
}

TEST_CASE("ret #k returns k whole - data bits included") {
  CHECK(ret_of({ret_k(SECCOMP_RET_ERRNO | 38)}) == (SECCOMP_RET_ERRNO | 38));
  CHECK(ret_of({BPF_STMT(BPF_LD | BPF_IMM, SECCOMP_RET_TRACE | 7), ret_a()}) ==
        (SECCOMP_RET_TRACE | 7));
}

TEST_CASE("run-time faults: loads outside seccomp_data or misaligned") {
  auto d = run_fault({ld_abs(2), ret_a()});
  CHECK(d.code == Code::BpfLoadOffset);
  CHECK(d.pointer == "/0");
  CHECK(d.message ==
        "instruction 0: ld [2]: seccomp_data loads must be 4-byte aligned and below 64");
  CHECK(run_fault({ld_abs(64), ret_a()}).code == Code::BpfLoadOffset);
}

TEST_CASE("run-time faults: opcodes seccomp or classic BPF do not have") {
  auto mod = run_fault({BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), ret_a()});
  CHECK(mod.code == Code::BpfOpcode);
  CHECK(mod.message == "instruction 0: opcode 0x94 (mod) is not allowed in seccomp");
  auto retx = run_fault({BPF_STMT(BPF_LD | BPF_IMM, 1), BPF_STMT(BPF_RET | BPF_X, 0)});
  CHECK(retx.code == Code::BpfOpcode);
  CHECK(retx.pointer == "/1");
  CHECK(retx.message == "instruction 1: ret x is not allowed (classic BPF returns only K or A)");
  auto ldh = run_fault({BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), ret_a()});
  CHECK(ldh.message == "instruction 0: opcode 0x28 is not allowed in seccomp filters");
  auto junk = run_fault({BPF_STMT(0xff, 0), ret_a()});
  CHECK(junk.code == Code::BpfOpcode);
  CHECK(junk.message == "instruction 0: opcode 0xff is not classic BPF");
}

TEST_CASE("run-time faults: jumps out of the program and running off its end") {
  auto ja = run_fault({BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0), ret_a()});
  CHECK(ja.code == Code::BpfJumpRange);
  CHECK(ja.message == "instruction 0: jump to 6 leaves the program of 2 instructions");
  auto jeq = run_fault({BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ret_a()});
  CHECK(jeq.code == Code::BpfJumpRange);
  CHECK(jeq.message == "instruction 0: jump to 2 leaves the program of 2 instructions");
  auto end = run_fault({BPF_STMT(BPF_LD | BPF_IMM, 1)});
  CHECK(end.code == Code::BpfNoReturn);
  CHECK(end.pointer == "/1");
  CHECK(end.message == "the program ran off its end after 1 instructions without a RET");
}

TEST_CASE("run-time faults: scratch index - uninitialised scratch - div #0 - shifts >= 32") {
  auto idx = run_fault({BPF_STMT(BPF_ST, 16), ret_a()});
  CHECK(idx.code == Code::BpfScratchIndex);
  CHECK(idx.message == "instruction 0: M[16]: scratch memory has 16 words");
  auto uninit = run_fault({BPF_STMT(BPF_LD | BPF_MEM, 4), ret_a()});
  CHECK(uninit.code == Code::BpfScratchUninitialised);
  CHECK(uninit.message == "instruction 0: M[4] is read before anything is stored in it");
  auto div0 = run_fault({BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), ret_a()});
  CHECK(div0.code == Code::BpfDivisionByZero);
  auto lsh = run_fault({BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), ret_a()});
  CHECK(lsh.code == Code::BpfShiftRange);
  CHECK(lsh.message == "instruction 0: shift by 32: the kernel rejects shifts of 32 or more");
}

TEST_CASE("a shift by X >= 32 is reported - not guessed - even in a checked program") {
  const Program p({BPF_STMT(BPF_LDX | BPF_IMM, 32), BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
                   ret_a()});
  CHECK_FALSE(check(p).has_errors());
  auto r = evaluate(p, sample_data());
  REQUIRE_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::BpfShiftRange);
  CHECK(r.diagnostics.items()[0].message ==
        "instruction 1: shift by 32 (X): the kernel's JITs leave the result undefined");
}

TEST_CASE("evaluate refuses a program the kernel rejects - even where the run would not go") {
  const Program p({ret_k(kAllow), ld_abs(2), ret_a()});
  auto r = evaluate(p, sample_data());
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::BpfLoadOffset);
  CHECK(r.diagnostics.items()[0].pointer == "/1");
  auto unchecked = evaluate_prechecked(p, sample_data());
  REQUIRE(unchecked.ok());
  CHECK(unchecked.value->ret == kAllow);
}

namespace {

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

// libseccomp's own output for: default ERRNO(1), allow read, x86_64 only.
Program libseccomp_program(std::uint32_t& badarch_action) {
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(SCMP_ACT_ERRNO(1)));
  REQUIRE(ctx);
  if (seccomp_arch_exist(ctx.get(), SCMP_ARCH_X86_64) != 0) {
    REQUIRE(seccomp_arch_add(ctx.get(), SCMP_ARCH_X86_64) == 0);
    REQUIRE(seccomp_arch_remove(ctx.get(), SCMP_ARCH_NATIVE) == 0);
  }
  const int read_nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "read");
  REQUIRE(read_nr == 0);
  REQUIRE(seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, read_nr, 0) == 0);
  REQUIRE(seccomp_attr_get(ctx.get(), SCMP_FLTATR_ACT_BADARCH, &badarch_action) == 0);
  return scc::test::libseccomp_export(ctx.get());
}

}  // namespace

TEST_CASE("a libseccomp program: read allowed - others ERRNO(1) - other arches the bad-arch action") {
  std::uint32_t badarch = 0xdeadbeef;
  const Program p = libseccomp_program(badarch);
  CHECK(badarch == SCMP_ACT_KILL_THREAD);
  CHECK_FALSE(check(p).has_errors());

  SeccompData d;
  d.arch = AUDIT_ARCH_X86_64;
  d.nr = 0;  // read
  CHECK(run_ok(p, d).ret == SCMP_ACT_ALLOW);
  d.nr = 1;  // write
  CHECK(run_ok(p, d).ret == SCMP_ACT_ERRNO(1));
  CHECK(describe_return(run_ok(p, d).ret) == "ERRNO(1) EPERM");
  d.arch = AUDIT_ARCH_I386;
  d.nr = 3;  // read on i386
  CHECK(run_ok(p, d).ret == badarch);
  d.arch = AUDIT_ARCH_X86_64;
  d.nr = 0x40000000;  // x32 read: libseccomp gives x32 numbers the bad-arch action
  CHECK(run_ok(p, d).ret == badarch);
}
