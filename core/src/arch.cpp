#include "scc/arch.hpp"

#include <array>
#include <linux/audit.h>

namespace scc {
namespace {

constexpr std::array<Arch, 5> kTableArches{Arch::X86_64, Arch::X86, Arch::X32, Arch::Aarch64,
                                           Arch::Arm};
constexpr std::array<Arch, 2> kX86_64Subs{Arch::X86, Arch::X32};
constexpr std::array<Arch, 1> kAarch64Subs{Arch::Arm};

struct AuditEntry {
  Arch arch;
  std::uint32_t audit;
};

// AUDIT_ARCH_* from <linux/audit.h>. x32 reports AUDIT_ARCH_X86_64 and is told
// apart by the 0x40000000 bit in the syscall number.
constexpr std::array<AuditEntry, 23> kAudit{{
    {Arch::X86_64, AUDIT_ARCH_X86_64},
    {Arch::X86, AUDIT_ARCH_I386},
    {Arch::X32, AUDIT_ARCH_X86_64},
    {Arch::Aarch64, AUDIT_ARCH_AARCH64},
    {Arch::Arm, AUDIT_ARCH_ARM},
    {Arch::Mips, AUDIT_ARCH_MIPS},
    {Arch::Mips64, AUDIT_ARCH_MIPS64},
    {Arch::Mips64N32, AUDIT_ARCH_MIPS64N32},
    {Arch::Mipsel, AUDIT_ARCH_MIPSEL},
    {Arch::Mipsel64, AUDIT_ARCH_MIPSEL64},
    {Arch::Mipsel64N32, AUDIT_ARCH_MIPSEL64N32},
    {Arch::Ppc, AUDIT_ARCH_PPC},
    {Arch::Ppc64, AUDIT_ARCH_PPC64},
    {Arch::Ppc64Le, AUDIT_ARCH_PPC64LE},
    {Arch::S390, AUDIT_ARCH_S390},
    {Arch::S390X, AUDIT_ARCH_S390X},
    {Arch::Parisc, AUDIT_ARCH_PARISC},
    {Arch::Parisc64, AUDIT_ARCH_PARISC64},
    {Arch::Riscv64, AUDIT_ARCH_RISCV64},
    {Arch::Loongarch64, 0xC0000102u},  // AUDIT_ARCH_LOONGARCH64 (EM_LOONGARCH 258)
    {Arch::M68k, AUDIT_ARCH_M68K},
    {Arch::Sh, AUDIT_ARCH_SHEL},
    {Arch::Sheb, AUDIT_ARCH_SH},
}};

}  // namespace

std::span<const Arch> table_arches() { return kTableArches; }

bool has_table(Arch arch) {
  for (Arch a : kTableArches)
    if (a == arch) return true;
  return false;
}

std::uint32_t audit_arch(Arch arch) {
  for (const auto& e : kAudit)
    if (e.arch == arch) return e.audit;
  return 0;
}

bool has_64bit_registers(Arch arch) { return (audit_arch(arch) & __AUDIT_ARCH_64BIT) != 0; }

std::optional<Arch> arch_from_audit(std::uint32_t value) {
  for (const auto& e : kAudit)
    if (e.audit == value) return e.arch;
  return std::nullopt;
}

Arch native_arch() {
#if defined(__x86_64__) && defined(__ILP32__)
  return Arch::X32;
#elif defined(__x86_64__)
  return Arch::X86_64;
#elif defined(__i386__)
  return Arch::X86;
#elif defined(__aarch64__)
  return Arch::Aarch64;
#elif defined(__arm__)
  return Arch::Arm;
#else
#error "seccomp-hook supports x86_64, x86, x32, aarch64 and arm hosts"
#endif
}

std::span<const Arch> default_sub_arches(Arch arch) {
  switch (arch) {
    case Arch::X86_64:
      return kX86_64Subs;
    case Arch::Aarch64:
      return kAarch64Subs;
    default:
      return {};
  }
}

Arch native_arch_of(Arch arch) {
  for (Arch native : {Arch::X86_64, Arch::Aarch64})
    for (Arch sub : default_sub_arches(native))
      if (sub == arch) return native;
  return arch;
}

}  // namespace scc
