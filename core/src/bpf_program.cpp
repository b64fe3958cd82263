// Program: struct sock_filter[] and its raw byte form (what seccomp_export_bpf
// writes, what PTRACE_SECCOMP_GET_FILTER returns, what crun takes as base64).
#include <cstring>
#include <string>

#include "scc/bpf.hpp"

namespace scc::bpf {

static_assert(sizeof(sock_filter) == 8, "struct sock_filter is 8 bytes");

Result<Program> Program::from_bytes(std::span<const std::uint8_t> bytes) {
  Result<Program> result;
  if (bytes.empty()) {
    result.diagnostics.error(Code::BpfFraming, "", "the BPF program is empty (0 bytes)");
    return result;
  }
  if (bytes.size() % sizeof(sock_filter) != 0) {
    result.diagnostics.error(Code::BpfFraming, "",
                             "the BPF program is " + std::to_string(bytes.size()) +
                                 " bytes, not a multiple of 8 (one sock_filter per 8 bytes)");
    return result;
  }
  const std::size_t count = bytes.size() / sizeof(sock_filter);
  if (count > BPF_MAXINSNS) {
    result.diagnostics.error(Code::BpfFraming, "",
                             "the BPF program has " + std::to_string(count) +
                                 " instructions; the kernel accepts at most " +
                                 std::to_string(BPF_MAXINSNS));
    return result;
  }
  std::vector<sock_filter> insns(count);
  // memcpy, not a reinterpret_cast: the input need not be aligned.
  std::memcpy(insns.data(), bytes.data(), bytes.size());
  result.value = Program(std::move(insns));
  return result;
}

std::vector<std::uint8_t> Program::to_bytes() const {
  std::vector<std::uint8_t> bytes(insns_.size() * sizeof(sock_filter));
  if (!bytes.empty()) std::memcpy(bytes.data(), insns_.data(), bytes.size());
  return bytes;
}

bool Program::operator==(const Program& other) const {
  if (insns_.size() != other.insns_.size()) return false;
  for (std::size_t i = 0; i < insns_.size(); ++i) {
    const sock_filter& a = insns_[i];
    const sock_filter& b = other.insns_[i];
    // Field by field: comparing bytes would be the same here (no padding),
    // but this states what equality means.
    if (a.code != b.code || a.jt != b.jt || a.jf != b.jf || a.k != b.k) return false;
  }
  return true;
}

}  // namespace scc::bpf
