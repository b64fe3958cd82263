// The string <-> enum tables. One table per concept; everything else looks
// names up here.
#include "scc/names.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string.h>  // strerrorname_np (glibc >= 2.32)
#include <utility>

namespace scc {
namespace {

template <class E, std::size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

template <class E, std::size_t N>
std::string_view lookup_name(const Table<E, N>& table, E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return {};
}

template <class E, std::size_t N>
std::optional<E> lookup_value(const Table<E, N>& table, std::string_view name) {
  for (const auto& [e, n] : table)
    if (n == name) return e;
  return std::nullopt;
}

template <class E, std::size_t N>
std::array<std::string_view, N> names_of(const Table<E, N>& table) {
  std::array<std::string_view, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = table[i].second;
  return out;
}

constexpr Table<Action, 9> kActions{{
    {Action::Kill, "SCMP_ACT_KILL"},
    {Action::KillThread, "SCMP_ACT_KILL_THREAD"},
    {Action::KillProcess, "SCMP_ACT_KILL_PROCESS"},
    {Action::Trap, "SCMP_ACT_TRAP"},
    {Action::Errno, "SCMP_ACT_ERRNO"},
    {Action::Trace, "SCMP_ACT_TRACE"},
    {Action::Allow, "SCMP_ACT_ALLOW"},
    {Action::Log, "SCMP_ACT_LOG"},
    {Action::Notify, "SCMP_ACT_NOTIFY"},
}};

constexpr Table<Operator, 7> kOperators{{
    {Operator::Ne, "SCMP_CMP_NE"},
    {Operator::Lt, "SCMP_CMP_LT"},
    {Operator::Le, "SCMP_CMP_LE"},
    {Operator::Eq, "SCMP_CMP_EQ"},
    {Operator::Ge, "SCMP_CMP_GE"},
    {Operator::Gt, "SCMP_CMP_GT"},
    {Operator::MaskedEq, "SCMP_CMP_MASKED_EQ"},
}};

constexpr Table<Flag, 4> kFlags{{
    {Flag::Tsync, "SECCOMP_FILTER_FLAG_TSYNC"},
    {Flag::Log, "SECCOMP_FILTER_FLAG_LOG"},
    {Flag::SpecAllow, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
    {Flag::WaitKillableRecv, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
}};

struct ArchNames {
  Arch arch;
  std::string_view scmp;    // SCMP_ARCH_*
  std::string_view short_;  // what reports and --arch use
  std::string_view docker;  // moby's native name (includes.arches)
};

constexpr std::array<ArchNames, 23> kArches{{
    {Arch::X86_64, "SCMP_ARCH_X86_64", "x86_64", "amd64"},
    {Arch::X86, "SCMP_ARCH_X86", "x86", "x86"},
    {Arch::X32, "SCMP_ARCH_X32", "x32", "x32"},
    {Arch::Aarch64, "SCMP_ARCH_AARCH64", "aarch64", "arm64"},
    {Arch::Arm, "SCMP_ARCH_ARM", "arm", "arm"},
    {Arch::Mips, "SCMP_ARCH_MIPS", "mips", "mips"},
    {Arch::Mips64, "SCMP_ARCH_MIPS64", "mips64", "mips64"},
    {Arch::Mips64N32, "SCMP_ARCH_MIPS64N32", "mips64n32", "mips64n32"},
    {Arch::Mipsel, "SCMP_ARCH_MIPSEL", "mipsel", "mipsel"},
    {Arch::Mipsel64, "SCMP_ARCH_MIPSEL64", "mipsel64", "mipsel64"},
    {Arch::Mipsel64N32, "SCMP_ARCH_MIPSEL64N32", "mipsel64n32", "mipsel64n32"},
    {Arch::Ppc, "SCMP_ARCH_PPC", "ppc", "ppc"},
    {Arch::Ppc64, "SCMP_ARCH_PPC64", "ppc64", "ppc64"},
    {Arch::Ppc64Le, "SCMP_ARCH_PPC64LE", "ppc64le", "ppc64le"},
    {Arch::S390, "SCMP_ARCH_S390", "s390", "s390"},
    {Arch::S390X, "SCMP_ARCH_S390X", "s390x", "s390x"},
    {Arch::Parisc, "SCMP_ARCH_PARISC", "parisc", "parisc"},
    {Arch::Parisc64, "SCMP_ARCH_PARISC64", "parisc64", "parisc64"},
    {Arch::Riscv64, "SCMP_ARCH_RISCV64", "riscv64", "riscv64"},
    {Arch::Loongarch64, "SCMP_ARCH_LOONGARCH64", "loongarch64", "loongarch64"},
    {Arch::M68k, "SCMP_ARCH_M68K", "m68k", "m68k"},
    {Arch::Sh, "SCMP_ARCH_SH", "sh", "sh"},
    {Arch::Sheb, "SCMP_ARCH_SHEB", "sheb", "sheb"},
}};

// Extra spellings users type on the command line.
constexpr Table<Arch, 4> kArchAliases{{
    {Arch::X86_64, "amd64"},
    {Arch::X86, "i386"},
    {Arch::X86, "i686"},
    {Arch::Aarch64, "arm64"},
}};

constexpr Table<Dialect, 5> kDialects{{
    {Dialect::Docker, "docker"},
    {Dialect::ContainersCommon, "containers-common"},
    {Dialect::Oci, "oci"},
    {Dialect::OciConfig, "oci-config"},
    {Dialect::Spo, "spo"},
}};

// Every Arch enumerator has a row (checked by the static_assert below).
const ArchNames& arch_entry(Arch arch) {
  for (const auto& e : kArches)
    if (e.arch == arch) return e;
  return kArches.front();
}
static_assert(kArches.size() == static_cast<std::size_t>(Arch::Sheb) + 1);

}  // namespace

std::string_view to_string(Action action) { return lookup_name(kActions, action); }
std::optional<Action> parse_action(std::string_view name) { return lookup_value(kActions, name); }
std::span<const std::string_view> action_names() {
  static const auto names = names_of(kActions);
  return names;
}

std::string_view to_string(Operator op) { return lookup_name(kOperators, op); }
std::optional<Operator> parse_operator(std::string_view name) {
  return lookup_value(kOperators, name);
}
std::span<const std::string_view> operator_names() {
  static const auto names = names_of(kOperators);
  return names;
}

std::string_view to_string(Flag flag) { return lookup_name(kFlags, flag); }
std::optional<Flag> parse_flag(std::string_view name) { return lookup_value(kFlags, name); }
std::span<const std::string_view> flag_names() {
  static const auto names = names_of(kFlags);
  return names;
}

std::string_view to_string(Arch arch) { return arch_entry(arch).scmp; }
std::optional<Arch> parse_arch(std::string_view name) {
  for (const auto& e : kArches)
    if (e.scmp == name) return e.arch;
  return std::nullopt;
}
std::span<const std::string_view> arch_names() {
  static const auto names = [] {
    std::array<std::string_view, kArches.size()> out{};
    for (std::size_t i = 0; i < kArches.size(); ++i) out[i] = kArches[i].scmp;
    return out;
  }();
  return names;
}
std::string_view short_name(Arch arch) { return arch_entry(arch).short_; }
std::optional<Arch> parse_arch_flexible(std::string_view name) {
  if (auto a = parse_arch(name)) return a;
  for (const auto& e : kArches)
    if (e.short_ == name) return e.arch;
  return lookup_value(kArchAliases, name);
}
std::string_view docker_native_name(Arch arch) { return arch_entry(arch).docker; }
std::optional<Arch> parse_docker_native_name(std::string_view name) {
  for (const auto& e : kArches)
    if (e.docker == name) return e.arch;
  return std::nullopt;
}

std::string_view to_string(Dialect dialect) { return lookup_name(kDialects, dialect); }
std::optional<Dialect> parse_dialect(std::string_view name) {
  return lookup_value(kDialects, name);
}
std::span<const std::string_view> dialect_names() {
  static const auto names = names_of(kDialects);
  return names;
}

std::optional<int> parse_errno(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (int value = 1; value < 4096; ++value) {
    const char* n = strerrorname_np(value);
    if (n != nullptr && name == n) return value;
  }
  return std::nullopt;
}

std::optional<std::string> errno_name(int value) {
  const char* n = strerrorname_np(value);
  if (n == nullptr) return std::nullopt;
  return std::string(n);
}

}  // namespace scc
