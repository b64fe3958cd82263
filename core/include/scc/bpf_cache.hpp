// The kernel's constant-action cache (Linux 5.11+, kernel/seccomp.c): at
// attach time seccomp_cache_prepare_bitmap() emulates the filter for every
// syscall number of the native and compat arch with only nr and arch known
// (seccomp_is_const_allow). Numbers whose result is ALLOW whatever the
// arguments and instruction pointer go into a bitmap and never run the filter
// again. This is a port of that check, plus a report over a whole program:
// which syscalls the program allows unconditionally but the kernel will not
// cache (performance.md §1.3, goal G2: none).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "scc/arch.hpp"
#include "scc/bpf.hpp"

namespace scc::bpf {

enum class CacheVerdict {
  ConstAllow,       // reaches ret #SECCOMP_RET_ALLOW: cached
  ConstOther,       // reaches a ret #k that is not ALLOW (ERRNO, KILL, LOG, ...)
  DataDependent,    // loads args[] or instruction_pointer before deciding
  UnsupportedInsn,  // an instruction the kernel's emulator gives up on: X, M[],
                    // ALU other than and #k, ret a, ld len/imm, ...
  RanOffEnd,        // left the program (only programs check() rejects)
};

struct CacheProbe {
  CacheVerdict verdict = CacheVerdict::RanOffEnd;
  std::size_t stopped_at = 0;  // the instruction that decided
};

// seccomp_is_const_allow() for one (arch, nr): `audit_arch` is an AUDIT_ARCH_*
// value. The kernel's own exception (uretprobe is always allowed on 6.11+)
// is about the kernel, not the program, and is not modelled.
CacheProbe probe_const_allow(const Program& program, std::uint32_t audit_arch, std::uint32_t nr);
bool is_const_allow(const Program& program, std::uint32_t audit_arch, std::uint32_t nr);

// Whether `program` returns SECCOMP_RET_ALLOW for (arch, nr) whatever the
// arguments and instruction pointer are. Explores every path with args and
// ip unknown; a branch on an unknown value takes both edges. Conservative: a
// non-ALLOW return on a path that no real input can reach still counts as
// "not always allowed".
bool always_allows(const Program& program, std::uint32_t audit_arch, std::uint32_t nr);

struct UncachedSyscall {
  std::string_view name;
  std::uint32_t nr = 0;
  CacheProbe probe;  // why the kernel's check gives up
};

struct ArchCacheReport {
  Arch arch = Arch::X86_64;
  // Syscalls of the arch's table that the program always allows.
  std::vector<std::uint32_t> allowed_arg_free;
  // Of those, the ones with numbers outside every kernel bitmap (x32 numbers
  // carry 0x40000000; ARM's private 0xf0000+ calls): the kernel never caches
  // them, whatever the program does.
  std::vector<std::uint32_t> beyond_bitmap;
  // Of the rest, the ones seccomp_is_const_allow rejects: the finding.
  std::vector<UncachedSyscall> uncached;
};

// Syscall numbers at or above this are outside the kernel's bitmaps
// (NR_syscalls and the compat count are below it on every arch with a table).
inline constexpr std::uint32_t kCacheBitmapLimit = 1024;

// One report per arch in `arches` that has a syscall table (others are skipped).
std::vector<ArchCacheReport> cache_report(const Program& program, std::span<const Arch> arches);

}  // namespace scc::bpf
