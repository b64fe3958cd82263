// Tests core/src/validate_names.cpp: syscall names against the target tables
// and the linked libseccomp. Each case triggers exactly one diagnostic.
#include <doctest/doctest.h>

#include "core/validate_support.hpp"

using namespace scc;
using scc::test::require_only;
using scc::test::validate_text;

TEST_CASE("unknown-syscall: a typo is an error with the nearest name as a hint") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["opne"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::UnknownSyscall, Severity::Error, "/syscalls/0/names/0",
               "unknown syscall \"opne\"");
  CHECK(ds.items().front().hint == "did you mean \"open\"?");
}

TEST_CASE("unknown-syscall: no hint when nothing is close") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","no_such_syscall_at_all"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::UnknownSyscall, Severity::Error, "/syscalls/0/names/1",
               "unknown syscall \"no_such_syscall_at_all\"");
  CHECK(ds.items().front().hint.empty());
}

TEST_CASE("empty-names: an empty names list is an error") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":[],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::EmptyNames, Severity::Error, "/syscalls/1/names",
               "\"names\" is empty");
}

TEST_CASE("empty-name: an empty name is an error") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read",""],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::EmptyName, Severity::Error, "/syscalls/0/names/1",
               "syscall name \"\" is empty");
}

TEST_CASE("duplicate-rule: a name listed twice in one rule") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","write","read"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::DuplicateRule, Severity::Warning, "/syscalls/0/names/2",
               "syscall \"read\" is listed twice in this rule (first at /syscalls/0/names/0)");
}

TEST_CASE("syscall-missing-on-arch: open exists on x86_64 but not on aarch64 (note)") {
  // No arches in the profile: the targets are x86_64 and aarch64.
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["openat","open"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::SyscallMissingOnArch, Severity::Note, "/syscalls/0/names/1",
               "syscall \"open\" does not exist on aarch64: the rule has no effect there "
               "(it does on x86_64)");
}

TEST_CASE("syscall-missing-on-arch: a name absent from every target arch") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW"}]})",
      {Arch::Aarch64});
  require_only(ds, Code::SyscallMissingOnArch, Severity::Warning, "/syscalls/0/names/0",
               "syscall \"arch_prctl\" exists on none of the target arches (aarch64)");
  CHECK(ds.items().front().message.find("it exists on x86_64") != std::string::npos);
}

TEST_CASE("syscall-missing-on-arch: a name present on a sub-arch of the filter is fine") {
  // The aarch64 filter of this archMap also holds arm, which has open.
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO",
          "archMap":[{"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}],
          "syscalls":[{"names":["open"],"action":"SCMP_ACT_ALLOW"}]})",
      {Arch::Aarch64});
  INFO(scc::test::describe_all(ds));
  CHECK(ds.empty());
}

TEST_CASE("syscall-unknown-to-libseccomp: mseal is enforced by number") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","mseal"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::SyscallUnknownToLibseccomp, Severity::Warning, "/syscalls/0/names/1",
               "syscall \"mseal\" is unknown to the linked libseccomp 2.5.4 on x86_64 and "
               "aarch64: it will be enforced by number");
}

TEST_CASE("names of rules for other arches are not checked against the targets") {
  // moby's s390 rule: known to libseccomp on s390x only, included there only.
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["s390_pci_mmio_read","getpdi"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["s390x"]}}]})");
  // A typo stays a typo wherever the rule applies.
  require_only(ds, Code::UnknownSyscall, Severity::Error, "/syscalls/0/names/1",
               "unknown syscall \"getpdi\"");
  CHECK(ds.items().front().hint == "did you mean \"getpid\"?");
}

TEST_CASE("riscv_hwprobe is a real syscall though unknown to libseccomp 2.5.4 and to our tables") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["riscv_hwprobe"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::SyscallMissingOnArch, Severity::Warning, "/syscalls/0/names/0",
               "syscall \"riscv_hwprobe\" exists on none of the target arches (x86_64 and "
               "aarch64): the rule has no effect on them (it exists on riscv64)");
}
