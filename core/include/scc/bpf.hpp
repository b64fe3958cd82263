// Classic BPF programs as seccomp runs them: the program type, the emulator
// (evaluate) and the disassembler. The emulator is the project's test oracle:
// it runs a program exactly as the kernel's seccomp would.
#pragma once

#include <linux/filter.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/diagnostics.hpp"

namespace scc::bpf {

// The kernel's struct seccomp_data.
struct SeccompData {
  std::int32_t nr = 0;
  std::uint32_t arch = 0;  // AUDIT_ARCH_*
  std::uint64_t instruction_pointer = 0;
  std::array<std::uint64_t, 6> args{};
};

// A seccomp-BPF program: struct sock_filter[] as the kernel takes it.
class Program {
 public:
  Program() = default;
  explicit Program(std::vector<sock_filter> instructions) : insns_(std::move(instructions)) {}

  // Parse raw bytes (8 bytes per instruction, host byte order). Checks only
  // the framing (non-empty, a multiple of 8, at most BPF_MAXINSNS).
  static Result<Program> from_bytes(std::span<const std::uint8_t> bytes);
  std::vector<std::uint8_t> to_bytes() const;

  std::span<const sock_filter> instructions() const { return insns_; }
  std::size_t size() const { return insns_.size(); }
  bool operator==(const Program& other) const;

 private:
  std::vector<sock_filter> insns_;
};

// The outcome of running a program on one seccomp_data.
struct Evaluation {
  std::uint32_t ret = 0;          // the SECCOMP_RET_* value returned
  std::size_t instructions = 0;   // instructions executed, for cost benchmarks
  std::size_t decided_at = 0;     // index of the RET instruction that decided
};

// Run `program` as the kernel's seccomp would. An error (diagnostics, no
// value) for programs the kernel would reject or that fault at run time:
// out-of-range jumps, misaligned or out-of-range seccomp_data loads, division
// by zero, falling off the end, forbidden opcodes (BPF_MOD, RET X, ...).
// Kernel semantics kept (bpf_evaluate.cpp has the sources): A = X = 0 at
// start, 32-bit unsigned ALU, div by X == 0 returns 0, loads in host byte
// order; a shift by X >= 32 (JIT-dependent in the kernel) is an error.
Result<Evaluation> evaluate(const Program& program, const SeccompData& data);
// evaluate() without the whole-program check, for callers that evaluate one
// program many times and ran check() once. Faults on the executed path are
// still reported; instructions the run does not reach are not examined.
Result<Evaluation> evaluate_prechecked(const Program& program, const SeccompData& data);

// Check a program the way the kernel's seccomp_check_filter does before
// attaching it (allowed opcodes, load offsets, jumps in range, ends in RET).
Diagnostics check(const Program& program);

// SECCOMP_RET_* helpers.
std::uint32_t action_bits(std::uint32_t ret);  // ret & SECCOMP_RET_ACTION_FULL
std::uint32_t data_bits(std::uint32_t ret);    // ret & SECCOMP_RET_DATA
std::string describe_return(std::uint32_t ret);  // "ERRNO(38) ENOSYS", "ALLOW", "KILL_PROCESS"

// One line per instruction, stable text for golden tests. Constants compared
// with seccomp_data.nr are annotated with syscall names, in the table of the
// arch that the program's preceding arch checks establish on that path.
// Format: " 0003: jeq #0xc000003e  jt 0004 jf 0010   ; AUDIT_ARCH_X86_64"
// (decimal indices and targets, hex constants, comment after column 41).
std::string disassemble(const Program& program);

}  // namespace scc::bpf
