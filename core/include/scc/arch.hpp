// Architectures a profile can name, and the few facts about each that the
// library needs (kernel AUDIT_ARCH value, Docker's native name).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace scc {

// Every SCMP_ARCH_* value of the OCI runtime-spec. Only the arches in
// table_arches() have syscall tables; the others are read and reported.
enum class Arch {
  X86_64,
  X86,
  X32,
  Aarch64,
  Arm,
  Mips,
  Mips64,
  Mips64N32,
  Mipsel,
  Mipsel64,
  Mipsel64N32,
  Ppc,
  Ppc64,
  Ppc64Le,
  S390,
  S390X,
  Parisc,
  Parisc64,
  Riscv64,
  Loongarch64,
  M68k,
  Sh,
  Sheb,
};

// The arches this project has syscall tables for: x86_64, x86, x32, aarch64, arm.
std::span<const Arch> table_arches();
bool has_table(Arch arch);

// The kernel's AUDIT_ARCH_* value that seccomp_data.arch carries for `arch`.
std::uint32_t audit_arch(Arch arch);
// Whether the syscall arguments of `arch` are 64-bit registers (its
// AUDIT_ARCH_* value has __AUDIT_ARCH_64BIT: x86_64, x32, aarch64, ...). On
// the others (x86, arm) seccomp_data carries 32-bit registers zero-extended,
// so a 64-bit comparison already sees what the kernel reads.
bool has_64bit_registers(Arch arch);
// The arch whose AUDIT_ARCH_* value is `value`. x32 and x86_64 share one
// value; this returns X86_64 for it.
std::optional<Arch> arch_from_audit(std::uint32_t value);

// The arch this program runs on.
Arch native_arch();

// The 32-bit companion arches moby's default archMap gives a native arch
// (x86_64 -> x86, x32; aarch64 -> arm), in that order.
std::span<const Arch> default_sub_arches(Arch arch);

// The native arch whose default_sub_arches() hold `arch` (x86, x32 ->
// x86_64; arm -> aarch64), or `arch` itself: the machine that runs a call
// of `arch`.
Arch native_arch_of(Arch arch);

}  // namespace scc
