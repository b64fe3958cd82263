// Syscall tables: lookups by name and number, "did you mean" hints, argument
// widths, and what the linked libseccomp knows. The rows themselves are
// generated into core/src/tables/*.inc (core/tools/gen_syscall_tables.py).
#include "scc/syscall_table.hpp"

#include <seccomp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace scc {
namespace {

using ArgWidths = std::array<ArgWidth, 6>;
// Short spellings keep the generated width rows one line each.
constexpr ArgWidth W32 = ArgWidth::Bits32;
constexpr ArgWidth W64 = ArgWidth::Bits64;
constexpr ArgWidth WNo = ArgWidth::Absent;
constexpr ArgWidth WUn = ArgWidth::Unknown;

// Argument widths, per arch (the generator writes the details into each file):
// - x86_64, aarch64: arg-widths.tsv, i.e. the kernel's declared sys_* types.
// - x32: the x86_64 widths of the same name. Caveat: the x32-only rows
//   (512..547) enter compat_sys_* functions, some of which read a
//   compat_ulong_t; ARG-WIDTHS.md does not cover them, so they are not narrowed.
// - x86, arm: the registers are 32 bits wide and seccomp_data carries them
//   zero-extended, so every present argument is Bits32; only the argument
//   count is borrowed from the 64-bit row of the same name.
#include "tables/aarch64.inc"
#include "tables/arm.inc"
#include "tables/x32.inc"
#include "tables/x86.inc"
#include "tables/x86_64.inc"

template <std::size_t N>
constexpr bool numbers_strictly_ascending(const std::array<SyscallEntry, N>& entries) {
  return std::is_sorted(entries.begin(), entries.end(),
                        [](const SyscallEntry& a, const SyscallEntry& b) {
                          return a.number < b.number;
                        }) &&
         std::adjacent_find(entries.begin(), entries.end(),
                            [](const SyscallEntry& a, const SyscallEntry& b) {
                              return a.number == b.number;
                            }) == entries.end();
}

template <std::size_t N>
constexpr bool names_strictly_ascending(const std::array<SyscallEntry, N>& entries,
                                        const std::array<std::uint16_t, N>& by_name) {
  for (std::size_t i = 1; i < N; ++i)
    if (!(entries[by_name[i - 1]].name < entries[by_name[i]].name)) return false;
  return true;
}

static_assert(numbers_strictly_ascending(kX86_64Entries));
static_assert(numbers_strictly_ascending(kX32Entries));
static_assert(numbers_strictly_ascending(kX86Entries));
static_assert(numbers_strictly_ascending(kAarch64Entries));
static_assert(numbers_strictly_ascending(kArmEntries));
static_assert(names_strictly_ascending(kX86_64Entries, kX86_64ByName));
static_assert(names_strictly_ascending(kX32Entries, kX32ByName));
static_assert(names_strictly_ascending(kX86Entries, kX86ByName));
static_assert(names_strictly_ascending(kAarch64Entries, kAarch64ByName));
static_assert(names_strictly_ascending(kArmEntries, kArmByName));
static_assert(kX86_64Widths.size() == kX86_64Entries.size());
static_assert(kX32Widths.size() == kX32Entries.size());
static_assert(kX86Widths.size() == kX86Entries.size());
static_assert(kAarch64Widths.size() == kAarch64Entries.size());
static_assert(kArmWidths.size() == kArmEntries.size());

struct ArchTables {
  SyscallTable table;
  std::span<const ArgWidths> widths;  // parallel to table.entries()
};

constexpr std::array<ArchTables, 5> kTables{{
    {SyscallTable(Arch::X86_64, kX86_64Entries, kX86_64ByName), kX86_64Widths},
    {SyscallTable(Arch::X86, kX86Entries, kX86ByName), kX86Widths},
    {SyscallTable(Arch::X32, kX32Entries, kX32ByName), kX32Widths},
    {SyscallTable(Arch::Aarch64, kAarch64Entries, kAarch64ByName), kAarch64Widths},
    {SyscallTable(Arch::Arm, kArmEntries, kArmByName), kArmWidths},
}};

const ArchTables* tables_for(Arch arch) {
  for (const auto& t : kTables)
    if (t.table.arch() == arch) return &t;
  return nullptr;
}

// Position of `number` in `entries` (ascending by number).
std::optional<std::size_t> position_of(std::span<const SyscallEntry> entries,
                                       std::uint32_t number) {
  auto it = std::lower_bound(
      entries.begin(), entries.end(), number,
      [](const SyscallEntry& e, std::uint32_t n) { return e.number < n; });
  if (it == entries.end() || it->number != number) return std::nullopt;
  return static_cast<std::size_t>(it - entries.begin());
}

// Every name in any table, ascending and without repeats: the candidates
// for "did you mean".
const std::vector<std::string_view>& all_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& t : kTables)
      for (const auto& e : t.table.entries()) out.push_back(e.name);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return names;
}

// Damerau-Levenshtein distance in its optimal-string-alignment form: inserts,
// deletes, substitutions and swaps of two neighbours ("opne" -> "open") cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::size_t length_gap(std::string_view a, std::string_view b) {
  return a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
}


// libseccomp numbers the calls that socketcall(2) and ipc(2) multiplex with
// pseudo-syscalls -101.. and -201.. (__PNR_socket, __PNR_semop) on arches
// that multiplex them (x86: "socket" resolves to -101). A rule on one is
// rewritten to the multiplexer and the direct number, so libseccomp does know
// it. Pseudo-syscalls for names absent from an arch are -10000 and below.
constexpr int kFirstMultiplexedPseudo = -100;
constexpr int kFirstAbsentPseudo = -10000;

}  // namespace

std::optional<std::uint32_t> SyscallTable::number(std::string_view name) const {
  if (by_name_.empty()) {
    for (const auto& e : entries_)
      if (e.name == name) return e.number;
    return std::nullopt;
  }
  auto it = std::lower_bound(
      by_name_.begin(), by_name_.end(), name,
      [this](std::uint16_t pos, std::string_view n) { return entries_[pos].name < n; });
  if (it == by_name_.end() || entries_[*it].name != name) return std::nullopt;
  return entries_[*it].number;
}

std::optional<std::string_view> SyscallTable::name(std::uint32_t number) const {
  auto pos = position_of(entries_, number);
  if (!pos) return std::nullopt;
  return entries_[*pos].name;
}

const SyscallTable* syscall_table(Arch arch) {
  const ArchTables* t = tables_for(arch);
  return t ? &t->table : nullptr;
}

bool is_known_syscall(std::string_view name) {
  return std::any_of(kTables.begin(), kTables.end(),
                     [name](const ArchTables& t) { return t.table.number(name).has_value(); });
}

ArgWidth arg_width(Arch arch, std::string_view syscall, unsigned index) {
  if (index >= 6) return ArgWidth::Absent;  // seccomp_data has args[0..5] only
  const ArchTables* t = tables_for(arch);
  if (!t) return ArgWidth::Unknown;
  auto number = t->table.number(syscall);
  if (!number) return ArgWidth::Unknown;
  auto pos = position_of(t->table.entries(), *number);
  return t->widths[*pos][index];
}

std::string nearest_syscall_name(std::string_view name) {
  const std::size_t limit = std::max<std::size_t>(1, name.size() / 3);
  std::string_view best;
  std::size_t best_distance = limit + 1;
  // Candidates come in ascending order, so among equals the first with the
  // closest length wins: the choice does not depend on table order.
  for (std::string_view candidate : all_names()) {
    if (length_gap(candidate, name) > limit) continue;
    std::size_t d = edit_distance(name, candidate);
    if (d < best_distance ||
        (d == best_distance && length_gap(candidate, name) < length_gap(best, name))) {
      best = candidate;
      best_distance = d;
    }
  }
  return best_distance <= limit ? std::string(best) : std::string();
}

std::optional<std::uint32_t> scmp_arch_token(Arch arch) {
  switch (arch) {
    case Arch::X86_64: return SCMP_ARCH_X86_64;
    case Arch::X86: return SCMP_ARCH_X86;
    case Arch::X32: return SCMP_ARCH_X32;
    case Arch::Aarch64: return SCMP_ARCH_AARCH64;
    case Arch::Arm: return SCMP_ARCH_ARM;
    case Arch::Mips: return SCMP_ARCH_MIPS;
    case Arch::Mips64: return SCMP_ARCH_MIPS64;
    case Arch::Mips64N32: return SCMP_ARCH_MIPS64N32;
    case Arch::Mipsel: return SCMP_ARCH_MIPSEL;
    case Arch::Mipsel64: return SCMP_ARCH_MIPSEL64;
    case Arch::Mipsel64N32: return SCMP_ARCH_MIPSEL64N32;
    case Arch::Ppc: return SCMP_ARCH_PPC;
    case Arch::Ppc64: return SCMP_ARCH_PPC64;
    case Arch::Ppc64Le: return SCMP_ARCH_PPC64LE;
    case Arch::S390: return SCMP_ARCH_S390;
    case Arch::S390X: return SCMP_ARCH_S390X;
    case Arch::Parisc: return SCMP_ARCH_PARISC;
    case Arch::Parisc64: return SCMP_ARCH_PARISC64;
    case Arch::Riscv64: return SCMP_ARCH_RISCV64;
#ifdef SCMP_ARCH_LOONGARCH64
    case Arch::Loongarch64: return SCMP_ARCH_LOONGARCH64;
#endif
#ifdef SCMP_ARCH_M68K
    case Arch::M68k: return SCMP_ARCH_M68K;
#endif
#ifdef SCMP_ARCH_SH
    case Arch::Sh: return SCMP_ARCH_SH;
    case Arch::Sheb: return SCMP_ARCH_SHEB;
#endif
    default: return std::nullopt;
  }
}

bool libseccomp_knows(Arch arch, std::string_view name) {
  auto token = scmp_arch_token(arch);
  if (!token) return false;
  const std::string terminated(name);  // libseccomp wants a C string
  int nr = seccomp_syscall_resolve_name_arch(*token, terminated.c_str());
  return nr >= 0 || (nr < kFirstMultiplexedPseudo && nr > kFirstAbsentPseudo);
}

}  // namespace scc
