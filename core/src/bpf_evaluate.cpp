// The seccomp-BPF emulator: runs a classic BPF program on one seccomp_data
// exactly as the kernel does after seccomp_check_filter() and
// bpf_convert_filter() (net/core/filter.c, kernel/seccomp.c):
// - A and X start at 0 (the converter's prologue XORs both registers);
// - M[] is never zeroed: check() rejects any read of a slot that is not
//   stored on every path before it (check_load_and_stores), and the run-time
//   check here reports such a read as a fault instead of inventing a value;
// - all arithmetic is 32-bit unsigned (the converter emits BPF_ALU32);
// - DIV by X == 0 ends the program with return value 0 (the converter emits
//   "if X == 0 { A = 0; exit }"; 0 is SECCOMP_RET_KILL_THREAD);
// - shifts by X >= 32 are reported as a fault: the kernel's interpreter masks
//   the count with 31, but its JITs leave the result implementation-defined;
// - BPF_LD|BPF_W|BPF_ABS reads 4 bytes of struct seccomp_data in host byte
//   order (on little-endian hosts the low word of a 64-bit field comes first);
// - BPF_LEN is sizeof(struct seccomp_data) = 64.
#include <cstring>
#include <string>

#include "scc/bpf.hpp"
#include "scc/hex.hpp"

namespace scc::bpf {
namespace {

constexpr std::uint32_t kDataSize = 64;  // sizeof(struct seccomp_data)

struct Machine {
  std::uint32_t a = 0;
  std::uint32_t x = 0;
  std::array<std::uint32_t, BPF_MEMWORDS> mem{};
  std::uint32_t mem_valid = 0;  // bit k: M[k] has been stored on this run
  std::array<std::uint8_t, kDataSize> data{};
};

// What one instruction did: go to `next`, return `ret`, or fault.
struct Step {
  std::size_t next = 0;
  std::optional<std::uint32_t> ret;
  std::optional<Code> fault;
  std::string message;
};

Step fault(Code code, std::string message) {
  Step s;
  s.fault = code;
  s.message = std::move(message);
  return s;
}

Step next(std::size_t pc) {
  Step s;
  s.next = pc;
  return s;
}

Step ret(std::uint32_t value) {
  Step s;
  s.ret = value;
  return s;
}

std::array<std::uint8_t, kDataSize> layout(const SeccompData& d) {
  // The kernel's struct seccomp_data, field by field, in host byte order.
  std::array<std::uint8_t, kDataSize> bytes{};
  std::memcpy(bytes.data() + 0, &d.nr, 4);
  std::memcpy(bytes.data() + 4, &d.arch, 4);
  std::memcpy(bytes.data() + 8, &d.instruction_pointer, 8);
  std::memcpy(bytes.data() + 16, d.args.data(), 48);
  return bytes;
}

Step load_data(Machine& m, std::uint32_t k, std::size_t pc) {
  if (k >= kDataSize || k % 4 != 0)
    return fault(Code::BpfLoadOffset, "ld [" + std::to_string(k) +
                                          "]: seccomp_data loads must be 4-byte aligned and below 64");
  std::memcpy(&m.a, m.data.data() + k, 4);
  return next(pc + 1);
}

std::optional<Step> scratch_fault(const Machine& m, std::uint32_t k, bool reading) {
  if (k >= BPF_MEMWORDS)
    return fault(Code::BpfScratchIndex, "M[" + std::to_string(k) + "]: scratch memory has 16 words");
  if (reading && (m.mem_valid & (1u << k)) == 0)
    return fault(Code::BpfScratchUninitialised,
                 "M[" + std::to_string(k) + "] is read before anything is stored in it");
  return std::nullopt;
}

Step exec_ld(Machine& m, const sock_filter& in, std::size_t pc) {
  switch (in.code) {
    case BPF_LD | BPF_W | BPF_ABS:
      return load_data(m, in.k, pc);
    case BPF_LD | BPF_W | BPF_LEN:
      m.a = kDataSize;
      return next(pc + 1);
    case BPF_LD | BPF_IMM:
      m.a = in.k;
      return next(pc + 1);
    case BPF_LD | BPF_MEM:
      if (auto f = scratch_fault(m, in.k, true)) return *f;
      m.a = m.mem[in.k];
      return next(pc + 1);
    case BPF_LDX | BPF_W | BPF_LEN:
      m.x = kDataSize;
      return next(pc + 1);
    case BPF_LDX | BPF_IMM:
      m.x = in.k;
      return next(pc + 1);
    case BPF_LDX | BPF_MEM:
      if (auto f = scratch_fault(m, in.k, true)) return *f;
      m.x = m.mem[in.k];
      return next(pc + 1);
    default:
      return fault(Code::BpfOpcode, "opcode " + hex_literal(in.code) + " is not allowed in seccomp filters");
  }
}

Step exec_st(Machine& m, const sock_filter& in, std::size_t pc) {
  if (auto f = scratch_fault(m, in.k, false)) return *f;
  m.mem[in.k] = BPF_CLASS(in.code) == BPF_ST ? m.a : m.x;
  m.mem_valid |= 1u << in.k;
  return next(pc + 1);
}

Step exec_alu(Machine& m, const sock_filter& in, std::size_t pc) {
  const bool by_x = BPF_SRC(in.code) == BPF_X;
  const std::uint32_t v = by_x ? m.x : in.k;
  const unsigned op = BPF_OP(in.code);
  if (op == BPF_NEG) {
    if (by_x) return fault(Code::BpfOpcode, "opcode " + hex_literal(in.code) + " is not classic BPF");
    m.a = 0u - m.a;
    return next(pc + 1);
  }
  if ((op == BPF_LSH || op == BPF_RSH) && v >= 32)
    return fault(Code::BpfShiftRange,
                 "shift by " + std::to_string(v) +
                     (by_x ? " (X): the kernel's JITs leave the result undefined"
                           : ": the kernel rejects shifts of 32 or more"));
  if (op == BPF_DIV && v == 0) {
    if (!by_x) return fault(Code::BpfDivisionByZero, "div #0: the kernel rejects division by zero");
    return ret(0);  // the converter's "A = 0; exit" guard
  }
  switch (op) {
    case BPF_ADD: m.a += v; break;
    case BPF_SUB: m.a -= v; break;
    case BPF_MUL: m.a *= v; break;
    case BPF_DIV: m.a /= v; break;
    case BPF_AND: m.a &= v; break;
    case BPF_OR: m.a |= v; break;
    case BPF_XOR: m.a ^= v; break;
    case BPF_LSH: m.a <<= v; break;
    case BPF_RSH: m.a >>= v; break;
    default:
      return fault(Code::BpfOpcode, "opcode " + hex_literal(in.code) +
                                        (op == BPF_MOD ? " (mod) is not allowed in seccomp"
                                                       : " is not classic BPF"));
  }
  return next(pc + 1);
}

Step jump_to(std::size_t pc, std::size_t offset, std::size_t size) {
  const std::size_t target = pc + 1 + offset;
  if (target >= size)
    return fault(Code::BpfJumpRange, "jump to " + std::to_string(target) +
                                         " leaves the program of " + std::to_string(size) +
                                         " instructions");
  return next(target);
}

Step exec_jmp(const Machine& m, const sock_filter& in, std::size_t pc, std::size_t size) {
  if (in.code == (BPF_JMP | BPF_JA)) return jump_to(pc, in.k, size);
  const std::uint32_t v = BPF_SRC(in.code) == BPF_X ? m.x : in.k;
  bool taken = false;
  switch (BPF_OP(in.code)) {
    case BPF_JEQ: taken = m.a == v; break;
    case BPF_JGT: taken = m.a > v; break;
    case BPF_JGE: taken = m.a >= v; break;
    case BPF_JSET: taken = (m.a & v) != 0; break;
    default:
      return fault(Code::BpfOpcode, "opcode " + hex_literal(in.code) + " is not classic BPF");
  }
  return jump_to(pc, taken ? in.jt : in.jf, size);
}

Step exec_other(Machine& m, const sock_filter& in, std::size_t pc) {
  switch (in.code) {
    case BPF_RET | BPF_K:
      return ret(in.k);
    case BPF_RET | BPF_A:
      return ret(m.a);
    case BPF_RET | BPF_X:
      return fault(Code::BpfOpcode, "ret x is not allowed (classic BPF returns only K or A)");
    case BPF_MISC | BPF_TAX:
      m.x = m.a;
      return next(pc + 1);
    case BPF_MISC | BPF_TXA:
      m.a = m.x;
      return next(pc + 1);
    default:
      return fault(Code::BpfOpcode, "opcode " + hex_literal(in.code) + " is not classic BPF");
  }
}

Step exec(Machine& m, const sock_filter& in, std::size_t pc, std::size_t size) {
  switch (BPF_CLASS(in.code)) {
    case BPF_LD:
    case BPF_LDX:
      return exec_ld(m, in, pc);
    case BPF_ST:
    case BPF_STX:
      if (in.code != BPF_ST && in.code != BPF_STX)
        return fault(Code::BpfOpcode, "opcode " + hex_literal(in.code) + " is not classic BPF");
      return exec_st(m, in, pc);
    case BPF_ALU:
      return exec_alu(m, in, pc);
    case BPF_JMP:
      return exec_jmp(m, in, pc, size);
    default:
      return exec_other(m, in, pc);
  }
}

}  // namespace

Result<Evaluation> evaluate_prechecked(const Program& program, const SeccompData& data) {
  Result<Evaluation> result;
  const auto insns = program.instructions();
  Machine m;
  m.data = layout(data);
  Evaluation ev;
  std::size_t pc = 0;
  while (pc < insns.size()) {
    ++ev.instructions;
    Step s = exec(m, insns[pc], pc, insns.size());
    if (s.fault) {
      result.diagnostics.error(*s.fault, "/" + std::to_string(pc),
                               "instruction " + std::to_string(pc) + ": " + s.message);
      return result;
    }
    if (s.ret) {
      ev.ret = *s.ret;
      ev.decided_at = pc;
      result.value = ev;
      return result;
    }
    pc = s.next;
  }
  result.diagnostics.error(Code::BpfNoReturn, "/" + std::to_string(insns.size()),
                           "the program ran off its end after " +
                               std::to_string(ev.instructions) + " instructions without a RET");
  return result;
}

Result<Evaluation> evaluate(const Program& program, const SeccompData& data) {
  Diagnostics problems = check(program);
  if (problems.has_errors()) {
    Result<Evaluation> result;
    result.diagnostics = std::move(problems);
    return result;
  }
  return evaluate_prechecked(program, data);
}

}  // namespace scc::bpf
