// Tests core/src/validate.cpp: the target filters the checks run against,
// profile-level fields, document order, and the moby default profile.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "core/validate_support.hpp"
#include "support/support.hpp"

using namespace scc;
using scc::test::require_only;
using scc::test::validate_text;
using scc::test::with_code;

TEST_CASE("a clean profile gives no diagnostic") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],
          "syscalls":[{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"}]})");
  INFO(scc::test::describe_all(ds));
  CHECK(ds.empty());
}

TEST_CASE("listener-metadata-without-path: metadata with no listener") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","listenerMetadata":"agent=1","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::ListenerMetadataWithoutPath, Severity::Error, "/listenerMetadata",
               "listenerMetadata \"agent=1\" is given without listenerPath");
}

TEST_CASE("no-syscall-table: an explicit target without a table is noted") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})",
      {Arch::S390X});
  require_only(ds, Code::NoSyscallTable, Severity::Note, "",
               "no syscall table for \"s390x\": syscall names and argument widths are not "
               "checked there");
}

TEST_CASE("no-syscall-table: archMap entries without tables are noted once") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO",
          "archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]},
                     {"architecture":"SCMP_ARCH_S390X","subArchitectures":["SCMP_ARCH_S390"]}],
          "syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::NoSyscallTable, Severity::Note, "/archMap",
               "no syscall table for \"s390x\" and \"s390\"");
}

TEST_CASE("an explicit arch stands for its whole archMap entry") {
  // _llseek exists on x86 only among x86_64, x86 and x32: fine for the x86_64
  // filter of this archMap, but a target of x86_64 alone has no _llseek.
  const char* text =
      R"({"defaultAction":"SCMP_ACT_ERRNO",
          "archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],
          "syscalls":[{"names":["_llseek"],"action":"SCMP_ACT_ALLOW"}]})";
  auto mapped = validate_text(text, {Arch::X86_64});
  INFO(scc::test::describe_all(mapped));
  CHECK(mapped.empty());
  auto flat = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["_llseek"],"action":"SCMP_ACT_ALLOW"}]})",
      {Arch::X86_64});
  require_only(flat, Code::SyscallMissingOnArch, Severity::Warning, "/syscalls/0/names/0",
               "exists on none of the target arches (x86_64)");
}

TEST_CASE("pointers of a whole OCI config.json keep the /linux/seccomp prefix") {
  auto ds = validate_text(
      R"({"ociVersion":"1.0.2","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO",
          "syscalls":[{"names":["opne"],"action":"SCMP_ACT_ALLOW"}]}}})");
  require_only(ds, Code::UnknownSyscall, Severity::Error, "/linux/seccomp/syscalls/0/names/0",
               "unknown syscall \"opne\"");
}

TEST_CASE("diagnostics come in document order with numbers compared as numbers") {
  std::string rules;
  for (int i = 0; i < 11; ++i)
    rules += std::string(i ? "," : "") + R"({"names":["read"],"action":"SCMP_ACT_ALLOW"})";
  // Rules 1-10 repeat rule 0, rule 11 has a typo, listenerMetadata has no path.
  rules += R"(,{"names":["opne"],"action":"SCMP_ACT_ALLOW"})";
  auto ds = validate_text(R"({"defaultAction":"SCMP_ACT_ERRNO","listenerMetadata":"x","syscalls":[)" +
                          rules + "]}");
  REQUIRE(ds.size() >= 3);
  CHECK(ds.items().front().pointer == "/listenerMetadata");
  CHECK(ds.items().back().pointer == "/syscalls/11/names/0");
  CHECK(ds.items()[1].pointer == "/syscalls/1");  // rule 1 duplicates rule 0
  CHECK(ds.items()[ds.size() - 2].pointer == "/syscalls/10");
}

TEST_CASE("moby's default profile for x86_64 and aarch64: every diagnostic pinned") {
  scc::test::skip_unless_shared();
  auto text = scc::test::read_file(scc::test::shared_dir() / "corpus" / "moby-default.json");
  auto ds = validate_text(text, {Arch::X86_64, Arch::Aarch64});
  std::set<std::string> got;
  for (const Diagnostic& d : ds)
    got.insert(std::string(diagnostic_code_name(d.code)) + " " + d.pointer);
  INFO(scc::test::describe_all(ds));
  // Each is reviewed in the issue's closing note. The x86_64 target stands
  // for moby's x86_64 filter (x86_64, x86, x32), aarch64 for (aarch64, arm).
  const std::set<std::string> expected{
      // Notes: names with no effect in one of the two filters (riscv_hwprobe, on
      // neither, is a warning).
      "syscall-missing-on-arch /syscalls/0/names/4",    // alarm: not on aarch64, arm
      "syscall-missing-on-arch /syscalls/0/names/33",   // epoll_ctl_old
      "syscall-missing-on-arch /syscalls/0/names/37",   // epoll_wait_old
      "syscall-missing-on-arch /syscalls/0/names/47",   // fadvise64_64
      "syscall-missing-on-arch /syscalls/0/names/111",  // get_thread_area
      "syscall-missing-on-arch /syscalls/0/names/132",  // ipc
      "syscall-missing-on-arch /syscalls/0/names/233",  // riscv_hwprobe: on neither
      "syscall-missing-on-arch /syscalls/0/names/259",  // select
      "syscall-missing-on-arch /syscalls/0/names/294",  // set_thread_area
      "syscall-missing-on-arch /syscalls/0/names/310",  // socketcall
      "syscall-missing-on-arch /syscalls/0/names/327",  // time
      "syscall-missing-on-arch /syscalls/0/names/349",  // uretprobe
      "syscall-missing-on-arch /syscalls/0/names/350",  // utime
      "syscall-missing-on-arch /syscalls/0/names/358",  // waitpid
      "syscall-missing-on-arch /syscalls/11/names/2",   // sync_file_range2 (arm rule)
      "syscall-missing-on-arch /syscalls/17/names/23",  // umount
      "syscall-missing-on-arch /syscalls/26/names/0",   // iopl
      "syscall-missing-on-arch /syscalls/26/names/1",   // ioperm
      "syscall-missing-on-arch /syscalls/27/names/1",   // stime
      // Unknown to libseccomp 2.5.4 (check_command_test.cpp pins the names).
      "syscall-unknown-to-libseccomp /syscalls/0/names/117",
      "syscall-unknown-to-libseccomp /syscalls/0/names/143",
      "syscall-unknown-to-libseccomp /syscalls/0/names/145",
      "syscall-unknown-to-libseccomp /syscalls/0/names/154",
      "syscall-unknown-to-libseccomp /syscalls/0/names/178",
      "syscall-unknown-to-libseccomp /syscalls/0/names/228",
      "syscall-unknown-to-libseccomp /syscalls/0/names/299",
      "syscall-unknown-to-libseccomp /syscalls/0/names/317",
      "syscall-unknown-to-libseccomp /syscalls/0/names/349",
      "syscall-unknown-to-libseccomp /syscalls/17/names/9",
      "syscall-unknown-to-libseccomp /syscalls/17/names/10",
      "syscall-unknown-to-libseccomp /syscalls/17/names/11",
      "dangerous-allow /syscalls/1/names/1",          // process_vm_writev, kernel >= 4.8
      "dangerous-allow /syscalls/1/names/2",          // ptrace, kernel >= 4.8
      "width-unsafe-comparison /syscalls/2/args/0",   // socket LT 38
      "width-unsafe-comparison /syscalls/4/args/0",   // socket GT 40
      "multiplexed-arg-filter /syscalls/2/names/0",   // socket on x86
      "multiplexed-arg-filter /syscalls/3/names/0",
      "multiplexed-arg-filter /syscalls/4/names/0",
  };
  CHECK(got == expected);
  CHECK(ds.size() == expected.size());
  CHECK(ds.count(Severity::Error) == 2);
}
