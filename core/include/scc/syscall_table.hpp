// Syscall tables for x86_64 (with x32), x86, aarch64 and arm, generated from
// the kernel's own tables and committed (core/tools/gen_syscall_tables.py).
// They are independent of the linked libseccomp: names libseccomp does not
// know are still resolved here and enforced by number.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "scc/arch.hpp"

namespace scc {

struct SyscallEntry {
  std::string_view name;
  std::uint32_t number;  // as seccomp_data.nr carries it: x32 numbers include 0x40000000
};

class SyscallTable {
 public:
  constexpr SyscallTable(Arch arch, std::span<const SyscallEntry> by_number) noexcept
      : arch_(arch), entries_(by_number) {}
  // With a name index (positions in by_number, ascending by name) number() is
  // a binary search; without one it scans.
  constexpr SyscallTable(Arch arch, std::span<const SyscallEntry> by_number,
                         std::span<const std::uint16_t> by_name) noexcept
      : arch_(arch), entries_(by_number), by_name_(by_name) {}

  Arch arch() const { return arch_; }
  std::optional<std::uint32_t> number(std::string_view name) const;
  std::optional<std::string_view> name(std::uint32_t number) const;
  std::span<const SyscallEntry> entries() const { return entries_; }  // ascending number

 private:
  Arch arch_;
  std::span<const SyscallEntry> entries_;
  std::span<const std::uint16_t> by_name_;
};

// The table for `arch`, or nullptr when this project has none (mips, ppc, ...).
const SyscallTable* syscall_table(Arch arch);

// Whether any table knows `name`.
bool is_known_syscall(std::string_view name);
// The known name closest to `name` by edit distance, for "did you mean" hints;
// empty when nothing is close enough.
std::string nearest_syscall_name(std::string_view name);

// libseccomp's SCMP_ARCH_* token for `arch`; none for arches the linked
// libseccomp predates.
std::optional<std::uint32_t> scmp_arch_token(Arch arch);

// Whether the linked libseccomp resolves `name` on `arch` (to any number).
bool libseccomp_knows(Arch arch, std::string_view name);

// How wide the kernel reads one syscall argument (arg-widths.tsv).
enum class ArgWidth {
  Bits32,   // an int/unsigned/... the kernel truncates: high bits are ignored
  Bits64,   // a long, pointer or 64-bit type
  Absent,   // the syscall has fewer arguments
  Unknown,  // no prototype known
};
ArgWidth arg_width(Arch arch, std::string_view syscall, unsigned index);

}  // namespace scc
