// The syscalls whose unconditional allow weakens a container sandbox, in the
// spirit of seccomp-tools' audit; one table, in dangerous_syscalls.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace scc {

struct DangerousSyscall {
  std::string_view name;
  std::string_view why;  // completes "allowing "x" ..."
  // Namespace-creating flags: an allow rule whose SCMP_CMP_MASKED_EQ on the
  // flags argument covers all of them with a zero value is safe. 0: no such
  // escape (the syscall is dangerous whatever its arguments).
  std::uint64_t namespace_flags = 0;
};

// CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
// | CLONE_NEWPID | CLONE_NEWNET: moby's clone mask 0x7E020000.
inline constexpr std::uint64_t kCloneNamespaceFlags = 0x7E020000;
// unshare(2) also takes CLONE_NEWTIME (0x80), which clone(2) cannot.
inline constexpr std::uint64_t kUnshareNamespaceFlags = kCloneNamespaceFlags | 0x80;

// "CLONE_NEWUSER" for 0x10000000: the name of one namespace flag of
// kUnshareNamespaceFlags, "" for any other value.
std::string_view namespace_flag_name(std::uint64_t bit);

std::optional<DangerousSyscall> dangerous_syscall(std::string_view name);
std::span<const DangerousSyscall> dangerous_syscalls();

}  // namespace scc
