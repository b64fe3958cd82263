// Tests core/src/syscall_table.cpp and the generated tables in core/src/tables/:
// every row against the linked libseccomp (2.5.4 on Debian 12), the names it
// does not know pinned per arch, lookups, hints and argument widths.
#include <doctest/doctest.h>
#include <seccomp.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "scc/names.hpp"
#include "scc/syscall_table.hpp"

using namespace scc;

namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;

std::uint32_t token(Arch arch) {
  auto t = scmp_arch_token(arch);
  if (!t) FAIL("no libseccomp token for " << short_name(arch));
  return t.value_or(0);
}

const SyscallTable& table(Arch arch) {
  const SyscallTable* t = syscall_table(arch);
  REQUIRE(t != nullptr);
  return *t;
}

std::string resolve_num(Arch arch, std::uint32_t number) {
  char* name = seccomp_syscall_resolve_num_arch(token(arch), static_cast<int>(number));
  std::string out = name ? name : "";
  std::free(name);
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

std::string libseccomp_version() {
  const scmp_version* v = seccomp_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->micro);
}

// Numbers 457..471: newer than libseccomp 2.5.4 on every arch.
const std::set<std::string> kNewerThan254{
    "statmount",     "listmount",      "lsm_get_self_attr", "lsm_set_self_attr",
    "lsm_list_modules", "mseal",       "setxattrat",        "getxattrat",
    "listxattrat",   "removexattrat",  "open_tree_attr",    "file_getattr",
    "file_setattr",  "listns",         "rseq_slice_yield"};

std::set<std::string> with(std::set<std::string> base, const std::set<std::string>& more) {
  base.insert(more.begin(), more.end());
  return base;
}

}  // namespace

TEST_CASE("every row agrees with libseccomp wherever libseccomp knows the name or number") {
  for (Arch arch : table_arches()) {
    std::vector<std::string> differ;
    for (const auto& e : table(arch).entries()) {
      const std::string name(e.name);
      int nr = seccomp_syscall_resolve_name_arch(token(arch), name.c_str());
      if (nr >= 0 && static_cast<std::uint32_t>(nr) != e.number)
        differ.push_back(name + ": table " + std::to_string(e.number) + ", libseccomp " +
                         std::to_string(nr));
      std::string back = resolve_num(arch, e.number);
      if (!back.empty() && back != name)
        differ.push_back(std::to_string(e.number) + ": table " + name + ", libseccomp " + back);
    }
    CHECK_MESSAGE(differ.empty(), short_name(arch), join(differ));
  }
}

TEST_CASE("every number libseccomp knows is in the table") {
  for (Arch arch : table_arches()) {
    std::vector<std::uint32_t> numbers;
    for (std::uint32_t n = 0; n < 1024; ++n) numbers.push_back(arch == Arch::X32 ? n | kX32Bit : n);
    if (arch == Arch::Arm)
      for (std::uint32_t n = 0x0f0000; n < 0x0f0100; ++n) numbers.push_back(n);
    std::vector<std::string> missing;
    for (std::uint32_t n : numbers) {
      std::string name = resolve_num(arch, n);
      if (!name.empty() && table(arch).name(n) != std::optional<std::string_view>(name))
        missing.push_back(std::to_string(n) + " " + name);
    }
    CHECK_MESSAGE(missing.empty(), short_name(arch), join(missing));
  }
}

TEST_CASE("the names libseccomp 2.5.4 does not know - per arch") {
  INFO("linked libseccomp " << libseccomp_version());
  const std::set<std::string> probes{"uretprobe", "uprobe"};
  const std::vector<std::pair<Arch, std::set<std::string>>> expected{
      {Arch::X86_64, with(kNewerThan254, probes)},
      // 453 map_shadow_stack became common after libseccomp 2.5.4 gave it an
      // x86_64 number only.
      {Arch::X32, with(kNewerThan254, with(probes, {"map_shadow_stack"}))},
      {Arch::X86, kNewerThan254},
      {Arch::Aarch64, kNewerThan254},
      {Arch::Arm, kNewerThan254},
  };
  for (const auto& pinned : expected) {
    const Arch arch = pinned.first;  // not a structured binding: clang 14 cannot capture one
    const std::set<std::string>& names = pinned.second;
    std::set<std::string> unknown;
    for (const auto& e : table(arch).entries())
      if (!libseccomp_knows(arch, e.name)) unknown.insert(std::string(e.name));
    CHECK_MESSAGE(unknown == names, short_name(arch), join({unknown.begin(), unknown.end()}));
  }
}

TEST_CASE("x86: socketcall and ipc calls resolve to multiplexed pseudo-syscalls yet count as known") {
  // libseccomp resolves these names to negative numbers on x86 and rewrites a
  // rule on them to socketcall (102) or ipc (117) plus the direct number.
  const std::set<std::string> multiplexed{
      "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen",
      "recvfrom", "recvmmsg", "recvmsg", "sendmmsg", "sendmsg", "sendto", "setsockopt",
      "shutdown", "socket", "socketpair", "msgctl", "msgget", "msgrcv", "msgsnd", "semctl",
      "semget", "shmat", "shmctl", "shmdt", "shmget"};
  std::set<std::string> negative;
  for (const auto& e : table(Arch::X86).entries()) {
    const std::string name(e.name);
    if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name.c_str()) >= 0 ||
        kNewerThan254.count(name))
      continue;
    negative.insert(name);
    int rewritten = seccomp_syscall_resolve_name_rewrite(SCMP_ARCH_X86, name.c_str());
    CHECK_MESSAGE((rewritten == 102 || rewritten == 117), name, " rewrites to ", rewritten);
    CHECK(libseccomp_knows(Arch::X86, name));
  }
  CHECK(negative == multiplexed);
  CHECK(table(Arch::X86).number("socket") == 359u);
}

TEST_CASE("libseccomp_knows: pseudo-syscalls of absent names and arches without a token") {
  CHECK_FALSE(libseccomp_knows(Arch::Aarch64, "open"));  // libseccomp: -10xxx pseudo
  CHECK_FALSE(libseccomp_knows(Arch::Arm, "mmap"));
  CHECK_FALSE(libseccomp_knows(Arch::X86_64, "socketcall"));
  CHECK_FALSE(libseccomp_knows(Arch::X86_64, "no_such_syscall"));
  CHECK(libseccomp_knows(Arch::X86_64, "read"));
  CHECK(libseccomp_knows(Arch::Mips64, "read"));  // no table, but libseccomp has one
  CHECK_FALSE(libseccomp_knows(Arch::Loongarch64, "read"));  // not in libseccomp 2.5.4
}

TEST_CASE("tables are ascending by number - without repeated numbers or names") {
  for (Arch arch : table_arches()) {
    const auto entries = table(arch).entries();
    REQUIRE(entries.size() > 300);
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) CHECK_MESSAGE(entries[i - 1].number < entries[i].number, entries[i].name);
      CHECK_MESSAGE(names.insert(entries[i].name).second, entries[i].name);
      CHECK(table(arch).number(entries[i].name) == entries[i].number);
      CHECK(table(arch).name(entries[i].number) == entries[i].name);
    }
  }
}

TEST_CASE("table sizes and newest rows") {
  CHECK(table(Arch::X86_64).entries().size() == 385);  // 338 common + 47 64
  CHECK(table(Arch::X32).entries().size() == 374);     // 338 common + 36 x32
  CHECK(table(Arch::Aarch64).entries().size() == 327);
  CHECK(table(Arch::X86).entries().size() == 461);
  CHECK(table(Arch::Arm).entries().size() == 430);
  for (Arch arch : table_arches()) {
    const std::uint32_t base = arch == Arch::X32 ? kX32Bit : 0;
    CHECK(table(arch).number("rseq_slice_yield") == base + 471);
    CHECK(table(arch).number("statmount") == base + 457);
    CHECK(table(arch).number("pidfd_send_signal") == base + 424);
    CHECK(table(arch).arch() == arch);
  }
}

TEST_CASE("spot checks: x86_64 and x32") {
  const auto& x64 = table(Arch::X86_64);
  CHECK(x64.number("read") == 0u);
  CHECK(x64.number("open") == 2u);
  CHECK(x64.number("execve") == 59u);
  CHECK(x64.name(59) == "execve");
  CHECK(x64.number("uretprobe") == 335u);
  CHECK(x64.number("rt_sigaction") == 13u);
  CHECK(x64.name(512) == std::nullopt);  // x32-only rows stay out of x86_64
  CHECK(x64.number("socketcall") == std::nullopt);
  const auto& x32 = table(Arch::X32);
  CHECK(x32.number("read") == 0x40000000u);
  CHECK(x32.number("rt_sigaction") == 0x40000200u);  // x32-only 512
  CHECK(x32.name(0x40000200) == "rt_sigaction");
  CHECK(x32.name(0x4000000d) == std::nullopt);  // 13 is abi 64
  CHECK(x32.name(0) == std::nullopt);           // numbers carry the x32 bit
  CHECK(x32.number("uselib") == std::nullopt);  // abi 64
}

TEST_CASE("spot checks: aarch64 - x86 and arm") {
  const auto& a64 = table(Arch::Aarch64);
  CHECK(a64.number("openat") == 56u);
  CHECK(a64.number("open") == std::nullopt);
  CHECK(a64.number("renameat") == 38u);
  CHECK(a64.number("memfd_secret") == 447u);
  const auto& x86 = table(Arch::X86);
  CHECK(x86.number("socketcall") == 102u);
  CHECK(x86.number("ipc") == 117u);
  CHECK(x86.number("open") == 5u);
  CHECK(x86.number("mmap2") == 192u);
  CHECK(x86.number("memfd_secret") == 447u);  // from libseccomp: abi memfd_secret, not common
  const auto& arm = table(Arch::Arm);
  CHECK(arm.number("open") == 5u);  // libseccomp 2.5.4 resolves it on arm
  CHECK(arm.number("mmap") == std::nullopt);
  CHECK(arm.number("socketcall") == std::nullopt);
  CHECK(arm.number("memfd_secret") == std::nullopt);
  CHECK(arm.number("breakpoint") == 0x0f0001u);
  CHECK(arm.number("set_tls") == 0x0f0005u);
  CHECK(syscall_table(Arch::Mips) == nullptr);
  CHECK(syscall_table(Arch::Riscv64) == nullptr);
}

TEST_CASE("a table without a name index still finds names") {
  static constexpr std::array<SyscallEntry, 3> rows{{{"read", 0}, {"write", 1}, {"open", 2}}};
  const SyscallTable t(Arch::X86_64, rows);
  CHECK(t.number("open") == 2u);
  CHECK(t.number("close") == std::nullopt);
  CHECK(t.name(1) == "write");
  CHECK(t.name(3) == std::nullopt);
}

TEST_CASE("is_known_syscall covers all five tables") {
  CHECK(is_known_syscall("open"));
  CHECK(is_known_syscall("socketcall"));   // x86 only
  CHECK(is_known_syscall("breakpoint"));   // arm only
  CHECK(is_known_syscall("uretprobe"));    // unknown to libseccomp 2.5.4
  CHECK_FALSE(is_known_syscall("opne"));
  CHECK_FALSE(is_known_syscall(""));
  CHECK_FALSE(is_known_syscall("OPEN"));
}

TEST_CASE("nearest_syscall_name") {
  CHECK(nearest_syscall_name("opne") == "open");    // swap of neighbours
  CHECK(nearest_syscall_name("mkdri") == "mkdir");
  CHECK(nearest_syscall_name("exceve") == "execve");
  CHECK(nearest_syscall_name("clone4") == "clone3");  // tie with "clone": closer length wins
  CHECK(nearest_syscall_name("readd") == "readv");    // tie with "read": closer length wins
  CHECK(nearest_syscall_name("open") == "open");
  CHECK(nearest_syscall_name("xyzzy") == "");         // best distance above max(1, 5/3)
  CHECK(nearest_syscall_name("") == "");
  CHECK(nearest_syscall_name("rseq_slice_yeld") == "rseq_slice_yield");
}

TEST_CASE("arg_width: x86_64 and aarch64 from arg-widths.tsv") {
  CHECK(arg_width(Arch::X86_64, "socket", 0) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::X86_64, "mmap", 0) == ArgWidth::Bits64);
  CHECK(arg_width(Arch::X86_64, "personality", 0) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::X86_64, "read", 0) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::X86_64, "read", 2) == ArgWidth::Bits64);
  CHECK(arg_width(Arch::X86_64, "read", 3) == ArgWidth::Absent);
  CHECK(arg_width(Arch::X86_64, "read", 6) == ArgWidth::Absent);
  CHECK(arg_width(Arch::X86_64, "uselib", 0) == ArgWidth::Absent);  // no entry point
  CHECK(arg_width(Arch::X86_64, "opne", 0) == ArgWidth::Unknown);
  CHECK(arg_width(Arch::Aarch64, "open", 0) == ArgWidth::Unknown);  // not on aarch64
  CHECK(arg_width(Arch::Aarch64, "socket", 0) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::Aarch64, "ioctl", 2) == ArgWidth::Bits64);
  CHECK(arg_width(Arch::Aarch64, "rt_sigreturn", 0) == ArgWidth::Unknown);  // "?" in the tsv
  CHECK(arg_width(Arch::Mips, "read", 0) == ArgWidth::Unknown);
}

TEST_CASE("arg_width: x32 borrows x86_64 - x86 and arm are 32-bit everywhere") {
  CHECK(arg_width(Arch::X32, "read", 2) == ArgWidth::Bits64);
  CHECK(arg_width(Arch::X32, "rt_sigaction", 0) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::X86, "mmap", 0) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::X86, "read", 1) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::X86, "read", 3) == ArgWidth::Absent);
  CHECK(arg_width(Arch::X86, "socket", 0) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::X86, "socketcall", 0) == ArgWidth::Unknown);  // no 64-bit row
  CHECK(arg_width(Arch::X86, "pread64", 3) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::X86, "pread64", 4) == ArgWidth::Unknown);  // loff_t takes two registers
  CHECK(arg_width(Arch::X86, "uselib", 0) == ArgWidth::Unknown);   // x86_64 has no entry point
  CHECK(arg_width(Arch::Arm, "ioctl", 2) == ArgWidth::Bits32);
  CHECK(arg_width(Arch::Arm, "rt_sigreturn", 0) == ArgWidth::Absent);  // x86_64's argc 0
  CHECK(arg_width(Arch::Arm, "breakpoint", 0) == ArgWidth::Unknown);
}
