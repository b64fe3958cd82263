// check(): what the kernel verifies before it attaches a seccomp filter, in
// its order (net/core/filter.c, kernel/seccomp.c):
// 1. bpf_check_basics_ok: 1..BPF_MAXINSNS instructions;
// 2. bpf_check_classic: every opcode in the classic table (chk_code_allowed),
//    div/mod by constant 0, shifts by a constant >= 32, M[k] with k >= 16,
//    jumps past the end, and the last instruction must be RET K or RET A;
//    then check_load_and_stores: no M[k] read unless every path to it stored
//    M[k] first;
// 3. seccomp_check_filter: a stricter opcode whitelist (no MOD, no byte,
//    halfword or indirect loads, no LDX MSH) and BPF_LD|BPF_W|BPF_ABS only
//    at 4-byte-aligned offsets below sizeof(struct seccomp_data) = 64.
// The kernel stops at the first problem (-EINVAL); this reports every
// instruction that has one, so a user sees them all at once.
#include <string>

#include "scc/bpf.hpp"
#include "scc/hex.hpp"

namespace scc::bpf {
namespace {

// chk_code_allowed(): the opcodes classic BPF has at all.
bool classic_code(std::uint16_t code) {
  switch (code) {
    case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
    case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
    case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
    case BPF_ALU | BPF_DIV | BPF_K: case BPF_ALU | BPF_DIV | BPF_X:
    case BPF_ALU | BPF_MOD | BPF_K: case BPF_ALU | BPF_MOD | BPF_X:
    case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
    case BPF_ALU | BPF_OR | BPF_K: case BPF_ALU | BPF_OR | BPF_X:
    case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
    case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_LSH | BPF_X:
    case BPF_ALU | BPF_RSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_X:
    case BPF_ALU | BPF_NEG:
    case BPF_LD | BPF_W | BPF_ABS: case BPF_LD | BPF_H | BPF_ABS: case BPF_LD | BPF_B | BPF_ABS:
    case BPF_LD | BPF_W | BPF_LEN:
    case BPF_LD | BPF_W | BPF_IND: case BPF_LD | BPF_H | BPF_IND: case BPF_LD | BPF_B | BPF_IND:
    case BPF_LD | BPF_IMM: case BPF_LD | BPF_MEM:
    case BPF_LDX | BPF_W | BPF_LEN: case BPF_LDX | BPF_B | BPF_MSH:
    case BPF_LDX | BPF_IMM: case BPF_LDX | BPF_MEM:
    case BPF_ST: case BPF_STX:
    case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA:
    case BPF_RET | BPF_K: case BPF_RET | BPF_A:
    case BPF_JMP | BPF_JA:
    case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
    case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
    case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
    case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
      return true;
    default:
      return false;
  }
}

// The classic opcodes seccomp_check_filter() refuses, with the reason.
const char* seccomp_refusal(std::uint16_t code) {
  switch (code) {
    case BPF_ALU | BPF_MOD | BPF_K:
    case BPF_ALU | BPF_MOD | BPF_X:
      return "mod is not allowed in seccomp filters";
    case BPF_LD | BPF_H | BPF_ABS:
    case BPF_LD | BPF_B | BPF_ABS:
      return "halfword and byte loads are not allowed in seccomp filters (only ld [k])";
    case BPF_LD | BPF_W | BPF_IND:
    case BPF_LD | BPF_H | BPF_IND:
    case BPF_LD | BPF_B | BPF_IND:
      return "indirect loads [x+k] are not allowed in seccomp filters";
    case BPF_LDX | BPF_B | BPF_MSH:
      return "ldx 4*([k]&0xf) is not allowed in seccomp filters";
    default:
      return nullptr;
  }
}

bool is_conditional_jump(std::uint16_t code) {
  return BPF_CLASS(code) == BPF_JMP && code != (BPF_JMP | BPF_JA);
}

void report(Diagnostics& d, Code code, std::size_t pc, const std::string& what) {
  d.error(code, "/" + std::to_string(pc), "instruction " + std::to_string(pc) + ": " + what);
}

// bpf_check_classic's per-instruction rules; true when the instruction passed.
bool check_classic(const sock_filter& in, std::size_t pc, std::size_t n, Diagnostics& d) {
  if (!classic_code(in.code)) {
    report(d, Code::BpfOpcode, pc, "opcode " + hex_literal(in.code) + " is not a classic BPF instruction");
    return false;
  }
  if ((in.code == (BPF_ALU | BPF_DIV | BPF_K) || in.code == (BPF_ALU | BPF_MOD | BPF_K)) &&
      in.k == 0) {
    report(d, Code::BpfDivisionByZero, pc, "division by the constant 0");
    return false;
  }
  if ((in.code == (BPF_ALU | BPF_LSH | BPF_K) || in.code == (BPF_ALU | BPF_RSH | BPF_K)) &&
      in.k >= 32) {
    report(d, Code::BpfShiftRange, pc, "shift by " + std::to_string(in.k) + " (at most 31)");
    return false;
  }
  const bool scratch = in.code == (BPF_LD | BPF_MEM) || in.code == (BPF_LDX | BPF_MEM) ||
                       in.code == BPF_ST || in.code == BPF_STX;
  if (scratch && in.k >= BPF_MEMWORDS) {
    report(d, Code::BpfScratchIndex, pc,
           "M[" + std::to_string(in.k) + "] is outside the 16 scratch words");
    return false;
  }
  if (in.code == (BPF_JMP | BPF_JA) && in.k >= n - pc - 1) {
    report(d, Code::BpfJumpRange, pc,
           "ja +" + std::to_string(in.k) + " jumps past the last instruction " +
               std::to_string(n - 1));
    return false;
  }
  if (is_conditional_jump(in.code) && (pc + in.jt + 1 >= n || pc + in.jf + 1 >= n)) {
    report(d, Code::BpfJumpRange, pc,
           "jt " + std::to_string(in.jt) + " / jf " + std::to_string(in.jf) +
               " jumps past the last instruction " + std::to_string(n - 1));
    return false;
  }
  return true;
}

// seccomp_check_filter's rules for an instruction classic BPF accepted.
void check_seccomp(const sock_filter& in, std::size_t pc, Diagnostics& d) {
  if (const char* why = seccomp_refusal(in.code)) {
    report(d, Code::BpfOpcode, pc, "opcode " + hex_literal(in.code) + ": " + why);
    return;
  }
  if (in.code == (BPF_LD | BPF_W | BPF_ABS) && (in.k >= 64 || in.k % 4 != 0))
    report(d, Code::BpfLoadOffset, pc,
           "ld [" + std::to_string(in.k) +
               "]: seccomp_data loads must be 4-byte aligned and below 64");
}

// check_load_and_stores(): one mask of initialised M[] words per instruction,
// narrowed by every jump into it. Needs jumps already known to be in range.
void check_scratch_reads(std::span<const sock_filter> insns, Diagnostics& d) {
  std::vector<std::uint16_t> masks(insns.size(), 0xffff);
  std::uint16_t valid = 0;
  for (std::size_t pc = 0; pc < insns.size(); ++pc) {
    const sock_filter& in = insns[pc];
    valid = static_cast<std::uint16_t>(valid & masks[pc]);
    if (in.code == BPF_ST || in.code == BPF_STX) {
      valid = static_cast<std::uint16_t>(valid | (1u << in.k));
    } else if (in.code == (BPF_LD | BPF_MEM) || in.code == (BPF_LDX | BPF_MEM)) {
      if ((valid & (1u << in.k)) == 0)
        report(d, Code::BpfScratchUninitialised, pc,
               "M[" + std::to_string(in.k) + "] is read before every path to it stores it");
    } else if (in.code == (BPF_JMP | BPF_JA)) {
      masks[pc + 1 + in.k] &= valid;
      valid = 0xffff;
    } else if (is_conditional_jump(in.code)) {
      masks[pc + 1 + in.jt] &= valid;
      masks[pc + 1 + in.jf] &= valid;
      valid = 0xffff;
    }
  }
}

}  // namespace

Diagnostics check(const Program& program) {
  Diagnostics d;
  const auto insns = program.instructions();
  const std::size_t n = insns.size();
  if (n == 0 || n > BPF_MAXINSNS) {
    d.error(Code::BpfLength, "",
            "the program has " + std::to_string(n) + " instructions; the kernel takes 1 to " +
                std::to_string(BPF_MAXINSNS));
    return d;
  }
  for (std::size_t pc = 0; pc < n; ++pc)
    if (check_classic(insns[pc], pc, n, d)) check_seccomp(insns[pc], pc, d);
  const std::uint16_t last = insns[n - 1].code;
  if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
    report(d, Code::BpfNoReturn, n - 1, "the last instruction must be ret #k or ret a");
  if (!d.has_errors()) check_scratch_reads(insns, d);
  return d;
}

}  // namespace scc::bpf
