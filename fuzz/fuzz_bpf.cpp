// The BPF emulator and disassembler on arbitrary programs. Input: a struct seccomp_data
// (64 bytes: nr, arch, instruction_pointer, args[6], host byte order; zero-filled when
// shorter), then the program (8 bytes per instruction). Checked besides "no crash":
//  - the program's bytes round-trip through Program;
//  - the disassembly has one line per instruction;
//  - evaluate() fails on every program check() rejects;
//  - on a program check() accepts, evaluate() and evaluate_prechecked() agree exactly,
//    and a run executes at most one instruction per program slot (no backward jumps).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "scc/bpf.hpp"

namespace {

constexpr std::size_t kDataBytes = 64;
static_assert(sizeof(scc::bpf::SeccompData) == kDataBytes);

scc::bpf::SeccompData take_data(const std::uint8_t* data, std::size_t size) {
  std::uint8_t raw[kDataBytes] = {};
  std::memcpy(raw, data, size < kDataBytes ? size : kDataBytes);
  scc::bpf::SeccompData d;
  std::memcpy(&d.nr, raw, 4);
  std::memcpy(&d.arch, raw + 4, 4);
  std::memcpy(&d.instruction_pointer, raw + 8, 8);
  std::memcpy(d.args.data(), raw + 16, 48);
  return d;
}

bool same(const scc::Result<scc::bpf::Evaluation>& a, const scc::Result<scc::bpf::Evaluation>& b) {
  if (a.value.has_value() != b.value.has_value()) return false;
  if (!a.value) return true;
  return a.value->ret == b.value->ret && a.value->instructions == b.value->instructions &&
         a.value->decided_at == b.value->decided_at;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const scc::bpf::SeccompData seccomp_data = take_data(data, size);
  if (size <= kDataBytes) return 0;
  const std::span<const std::uint8_t> bytes(data + kDataBytes, size - kDataBytes);
  scc::Result<scc::bpf::Program> program = scc::bpf::Program::from_bytes(bytes);
  if (!program.value) return 0;
  if (program.value->to_bytes() != std::vector<std::uint8_t>(bytes.begin(), bytes.end()))
    __builtin_trap();

  const std::string text = scc::bpf::disassemble(*program.value);
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (lines != program.value->size()) __builtin_trap();

  const scc::Diagnostics problems = scc::bpf::check(*program.value);
  const auto full = scc::bpf::evaluate(*program.value, seccomp_data);
  if (!problems.empty() && full.value) __builtin_trap();
  if (full.value) {
    (void)scc::bpf::describe_return(full.value->ret);
    if (full.value->instructions > program.value->size()) __builtin_trap();
  }
  if (problems.empty() && !same(full, scc::bpf::evaluate_prechecked(*program.value, seccomp_data)))
    __builtin_trap();
  return 0;
}
