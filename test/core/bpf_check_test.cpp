#include <doctest/doctest.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "scc/bpf.hpp"

using namespace scc;
using namespace scc::bpf;

namespace {

sock_filter ret_a() { return BPF_STMT(BPF_RET | BPF_A, 0); }

// The program's only diagnostic.
Diagnostic only_problem(std::vector<sock_filter> insns) {
  const Diagnostics d = check(Program(std::move(insns)));
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].severity == Severity::Error);
  return d.items()[0];
}

}  // namespace

TEST_CASE("a program using every allowed opcode passes") {
  const Program p({
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 60),
      BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
      BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
      BPF_STMT(BPF_LD | BPF_IMM, 1),
      BPF_STMT(BPF_LDX | BPF_IMM, 1),
      BPF_STMT(BPF_ST, 0),
      BPF_STMT(BPF_STX, 15),
      BPF_STMT(BPF_LD | BPF_MEM, 0),
      BPF_STMT(BPF_LDX | BPF_MEM, 15),
      BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
      BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3),
      BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 3),
      BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
      BPF_STMT(BPF_ALU | BPF_OR | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, 1),
      BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 31),
      BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_NEG, 0),
      BPF_STMT(BPF_MISC | BPF_TAX, 0),
      BPF_STMT(BPF_MISC | BPF_TXA, 0),
      BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 0),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 1, 0, 0),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      ret_a(),
  });
  CHECK(check(p).empty());
}

TEST_CASE("length: 1 to BPF_MAXINSNS") {
  const Diagnostics empty = check(Program());
  REQUIRE(empty.size() == 1);
  CHECK(empty.items()[0].code == Code::BpfLength);
  CHECK(empty.items()[0].message == "the program has 0 instructions; the kernel takes 1 to 4096");

  std::vector<sock_filter> insns(4096, BPF_STMT(BPF_LD | BPF_IMM, 0));
  insns.back() = ret_a();
  CHECK(check(Program(insns)).empty());
  insns.insert(insns.begin(), BPF_STMT(BPF_LD | BPF_IMM, 0));
  const Diagnostics too_long = check(Program(insns));
  REQUIRE(too_long.size() == 1);
  CHECK(too_long.items()[0].code == Code::BpfLength);
}

TEST_CASE("opcodes classic BPF does not have") {
  auto d = only_problem({BPF_STMT(0x18, 0), ret_a()});  // eBPF's 64-bit immediate load
  CHECK(d.code == Code::BpfOpcode);
  CHECK(d.pointer == "/0");
  CHECK(d.message == "instruction 0: opcode 0x18 is not a classic BPF instruction");
  CHECK(only_problem({BPF_STMT(BPF_ALU | BPF_NEG | BPF_X, 0), ret_a()}).code == Code::BpfOpcode);
  CHECK(only_problem({BPF_STMT(BPF_JMP | BPF_JA | BPF_X, 0), ret_a()}).code == Code::BpfOpcode);
}

TEST_CASE("classic opcodes seccomp refuses: mod - ldh - ldb - indirect loads - msh") {
  auto mod = only_problem({BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), ret_a()});
  CHECK(mod.code == Code::BpfOpcode);
  CHECK(mod.message == "instruction 0: opcode 0x94: mod is not allowed in seccomp filters");
  CHECK(only_problem({BPF_STMT(BPF_ALU | BPF_MOD | BPF_X, 0), ret_a()}).code == Code::BpfOpcode);
  auto ldb = only_problem({BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), ret_a()});
  CHECK(ldb.message ==
        "instruction 0: opcode 0x30: halfword and byte loads are not allowed in seccomp filters "
        "(only ld [k])");
  CHECK(only_problem({BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0), ret_a()}).code == Code::BpfOpcode);
  auto ind = only_problem({BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0), ret_a()});
  CHECK(ind.message ==
        "instruction 0: opcode 0x40: indirect loads [x+k] are not allowed in seccomp filters");
  auto msh = only_problem({BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0), ret_a()});
  CHECK(msh.code == Code::BpfOpcode);
}

TEST_CASE("ret x is not classic BPF - and the last instruction must be a RET") {
  const Diagnostics d = check(Program({BPF_STMT(BPF_RET | BPF_X, 0)}));
  REQUIRE(d.size() == 2);
  CHECK(d.items()[0].code == Code::BpfOpcode);
  CHECK(d.items()[0].message == "instruction 0: opcode 0xe is not a classic BPF instruction");
  CHECK(d.items()[1].code == Code::BpfNoReturn);
  auto no_ret = only_problem({BPF_STMT(BPF_LD | BPF_IMM, 0)});
  CHECK(no_ret.code == Code::BpfNoReturn);
  CHECK(no_ret.message == "instruction 0: the last instruction must be ret #k or ret a");
}

TEST_CASE("seccomp_data loads: 4-byte aligned - below 64") {
  for (std::uint32_t k : {1u, 2u, 3u, 62u, 64u, 0xfffff000u}) {
    CAPTURE(k);
    auto d = only_problem({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k), ret_a()});
    CHECK(d.code == Code::BpfLoadOffset);
  }
  auto d = only_problem({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), ret_a()});
  CHECK(d.message == "instruction 0: ld [64]: seccomp_data loads must be 4-byte aligned and below 64");
}

TEST_CASE("jumps must land inside the program") {
  auto ja = only_problem({BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0), ret_a()});
  CHECK(ja.code == Code::BpfJumpRange);
  CHECK(ja.message == "instruction 0: ja +1 jumps past the last instruction 1");
  auto jt = only_problem({BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ret_a()});
  CHECK(jt.code == Code::BpfJumpRange);
  CHECK(jt.message == "instruction 0: jt 1 / jf 0 jumps past the last instruction 1");
  CHECK(only_problem({BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), ret_a()}).code ==
        Code::BpfJumpRange);
  // ja +0xffffffff must not wrap around to a valid index
  CHECK(only_problem({BPF_JUMP(BPF_JMP | BPF_JA, 0xffffffffu, 0, 0), ret_a()}).code ==
        Code::BpfJumpRange);
}

TEST_CASE("division by the constant 0 and shifts by 32 or more") {
  auto div = only_problem({BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), ret_a()});
  CHECK(div.code == Code::BpfDivisionByZero);
  CHECK(div.message == "instruction 0: division by the constant 0");
  // mod #0 fails the classic check first
  CHECK(only_problem({BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 0), ret_a()}).code ==
        Code::BpfDivisionByZero);
  auto lsh = only_problem({BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), ret_a()});
  CHECK(lsh.code == Code::BpfShiftRange);
  CHECK(lsh.message == "instruction 0: shift by 32 (at most 31)");
  CHECK(only_problem({BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 99), ret_a()}).code ==
        Code::BpfShiftRange);
}

TEST_CASE("scratch memory: index below 16 - and no read before every path stores") {
  auto idx = only_problem({BPF_STMT(BPF_LDX | BPF_MEM, 16), ret_a()});
  CHECK(idx.code == Code::BpfScratchIndex);
  CHECK(idx.message == "instruction 0: M[16] is outside the 16 scratch words");
  CHECK(only_problem({BPF_STMT(BPF_STX, 16), ret_a()}).code == Code::BpfScratchIndex);

  auto never = only_problem({BPF_STMT(BPF_LD | BPF_MEM, 2), ret_a()});
  CHECK(never.code == Code::BpfScratchUninitialised);
  CHECK(never.message == "instruction 0: M[2] is read before every path to it stores it");

  // Stored on the fall-through path only; the jump around the store reaches the read.
  auto one_path = only_problem({
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
      BPF_STMT(BPF_ST, 2),
      BPF_STMT(BPF_LD | BPF_MEM, 2),
      ret_a(),
  });
  CHECK(one_path.code == Code::BpfScratchUninitialised);
  CHECK(one_path.pointer == "/2");

  // Stored before the branch: every path has it.
  CHECK(check(Program({
                  BPF_STMT(BPF_ST, 2),
                  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
                  BPF_STMT(BPF_LD | BPF_IMM, 1),
                  BPF_STMT(BPF_LD | BPF_MEM, 2),
                  ret_a(),
              }))
            .empty());
}

TEST_CASE("every faulty instruction is reported - each once") {
  const Diagnostics d = check(Program({
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 3),
      BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 2),
      BPF_JUMP(BPF_JMP | BPF_JA, 7, 0, 0),
      ret_a(),
  }));
  REQUIRE(d.size() == 3);
  CHECK(d.items()[0].pointer == "/0");
  CHECK(d.items()[0].code == Code::BpfLoadOffset);
  CHECK(d.items()[1].pointer == "/1");
  CHECK(d.items()[1].code == Code::BpfOpcode);
  CHECK(d.items()[2].pointer == "/2");
  CHECK(d.items()[2].code == Code::BpfJumpRange);
}
