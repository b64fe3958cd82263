// Tests core/src/validate_actions.cpp: default and rule actions, errno values,
// notify, thread-only kills, dangerous allows and profiles that confine nothing.
#include <doctest/doctest.h>

#include "core/validate_support.hpp"
#include "support/support.hpp"

using namespace scc;
using scc::test::require_only;
using scc::test::validate_text;

TEST_CASE("errno-range: errnoRet 4095 is an error because libseccomp refuses it") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ERRNO","errnoRet":4095}]})");
  require_only(ds, Code::ErrnoRange, Severity::Error, "/syscalls/0/errnoRet",
               "errnoRet 4095 is out of range 0-4094: libseccomp (so runc, crun and podman) "
               "refuses errno 4095 and above; the kernel caps errno at 4095");
}

TEST_CASE("errno-range: errnoRet 4094 and defaultErrnoRet 4094 are accepted") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":4094,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ERRNO","errnoRet":4094},{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})");
  CHECK(scc::test::with_code(ds, Code::ErrnoRange).empty());
  CHECK_FALSE(ds.has_errors());
}

TEST_CASE("errno-range: defaultErrnoRet 4095 and 65537 are errors") {
  for (const char* v : {"4095", "65537"}) {
    auto ds = validate_text(std::string(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":)") +
                            v + R"(,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})");
    require_only(ds, Code::ErrnoRange, Severity::Error, "/defaultErrnoRet",
                 std::string("defaultErrnoRet ") + v + " is out of range 0-4094");
  }
}

TEST_CASE("errno-range: a trace value takes 16 bits") {
  auto ok = validate_text(
      R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_TRACE","errnoRet":65535}]})");
  CHECK(scc::test::with_code(ok, Code::ErrnoRange).empty());
  auto bad = validate_text(
      R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_TRACE","errnoRet":65536}]})");
  require_only(bad, Code::ErrnoRange, Severity::Error, "/syscalls/0/errnoRet",
               "errnoRet 65536 is out of range 0-65535: the tracer receives 16 bits");
}

TEST_CASE("errno-range: errno 0 is a fake success (warning)") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ERRNO","errnoRet":0}]})");
  require_only(ds, Code::ErrnoRange, Severity::Warning, "/syscalls/0/errnoRet",
               "errnoRet 0 makes the syscall return 0 without running it: a fake success");
}

TEST_CASE("errno-without-errno-action: errnoRet on an allow rule") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","errnoRet":1}]})");
  require_only(ds, Code::ErrnoOnNonErrnoAction, Severity::Error, "/syscalls/0/errnoRet",
               "errnoRet 1 is given with action \"SCMP_ACT_ALLOW\", which takes no errno");
}

TEST_CASE("errno-without-errno-action: defaultErrnoRet with defaultAction ALLOW") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":1,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ERRNO"}]})");
  require_only(ds, Code::ErrnoOnNonErrnoAction, Severity::Error, "/defaultErrnoRet",
               "defaultErrnoRet 1 is given with defaultAction \"SCMP_ACT_ALLOW\", which takes "
               "no errno");
}

TEST_CASE("errno-mismatch: errno name and errnoRet disagree") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errno":"ENOSYS","errnoRet":2}]})");
  require_only(ds, Code::ErrnoMismatch, Severity::Error, "/syscalls/1/errno",
               "errno \"ENOSYS\" is 38 but errnoRet says 2");
}

TEST_CASE("rule-equals-default: a rule with the default's action and errno") {
  // No errnoRet on either side means EPERM on both.
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["ptrace"],"action":"SCMP_ACT_ERRNO"}]})");
  require_only(ds, Code::RuleEqualsDefault, Severity::Warning, "/syscalls/1/action",
               "the rule's action SCMP_ACT_ERRNO(EPERM) equals the default action: it changes "
               "no verdict and is redundant");
}

TEST_CASE("rule-equals-default: another errno is not the default") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]})");
  INFO(scc::test::describe_all(ds));
  CHECK(ds.empty());
}

TEST_CASE("notify-on-write: SCMP_ACT_NOTIFY on write is an error") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","listenerPath":"/run/agent.sock","syscalls":[{"names":["read","write"],"action":"SCMP_ACT_NOTIFY"}]})");
  require_only(ds, Code::NotifyOnWrite, Severity::Error, "/syscalls/0/names/1",
               "SCMP_ACT_NOTIFY on \"write\"");
}

TEST_CASE("notify-default: SCMP_ACT_NOTIFY as the default is an error") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/agent.sock","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::NotifyDefault, Severity::Error, "/defaultAction",
               "defaultAction \"SCMP_ACT_NOTIFY\" hands every syscall to the listener");
}

TEST_CASE("kill-thread-only: SCMP_ACT_KILL kills one thread (note)") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["ptrace"],"action":"SCMP_ACT_KILL"}]})");
  require_only(ds, Code::KillThreadOnly, Severity::Note, "/syscalls/1/action",
               "\"SCMP_ACT_KILL\" kills only the calling thread");
  CHECK(ds.items().front().hint == "use SCMP_ACT_KILL_PROCESS");
}

TEST_CASE("kill-thread-only: as the default action") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_KILL","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::KillThreadOnly, Severity::Note, "/defaultAction",
               "defaultAction \"SCMP_ACT_KILL\" kills only the calling thread");
}

TEST_CASE("dangerous-allow: an unconditional ptrace allow") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","ptrace"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/1",
               "allowing \"ptrace\" lets a process read and write the memory of others");
}

TEST_CASE("dangerous-allow: clone without a namespace-flag mask gets the mask as hint") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW"}]})");
  require_only(ds, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "allowing \"clone\" creates namespaces unless its flags argument is masked");
  CHECK(ds.items().front().hint ==
        "mask the flags argument with SCMP_CMP_MASKED_EQ 0x7e020000 and value 0");
}

TEST_CASE("dangerous-allow: moby's masked clone and cap-gated allows are not reported") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
          {"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}],"excludes":{"caps":["CAP_SYS_ADMIN"]}},
          {"names":["mount","bpf"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]})");
  INFO(scc::test::describe_all(ds));
  CHECK(ds.empty());
}

TEST_CASE("dangerous-allow: a mask missing CLONE_NEWUSER does not protect clone") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
          {"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1845624832,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]})");
  require_only(ds, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "allowing \"clone\"");
  CHECK(ds.items().front().message ==
        "allowing \"clone\" creates namespaces unless its flags argument is masked: this rule lets "
        "flags with CLONE_NEWUSER (0x10000000) through");
}

namespace {
// A profile that allows `syscall` under `args` and denies the rest.
Diagnostics allow_with_args(const std::string& syscall, const std::string& args) {
  return validate_text(scc::test::profile_with_rules(R"({"names":[")" + syscall +
                                                     R"("],"action":"SCMP_ACT_ALLOW","args":[)" + args + "]}"));
}
}  // namespace

TEST_CASE("dangerous-allow: clone EQ on exact flags without a namespace bit is not reported") {
  // busybox-httpd's recorded rule: CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD.
  auto ds = allow_with_args("clone", R"({"index":0,"value":18874385,"op":"SCMP_CMP_EQ"})");
  INFO(scc::test::describe_all(ds));
  CHECK(ds.empty());
}

TEST_CASE("dangerous-allow: clone EQ on flags with CLONE_NEWNET names the flag") {
  auto ds = allow_with_args("clone", R"({"index":0,"value":1073741841,"op":"SCMP_CMP_EQ"})");
  require_only(ds, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "allowing \"clone\"");
  CHECK(ds.items().front().message ==
        "allowing \"clone\" creates namespaces unless its flags argument is masked: this rule lets "
        "flags with CLONE_NEWNET (0x40000000) through");
  CHECK(ds.items().front().hint ==
        "mask the flags argument with SCMP_CMP_MASKED_EQ 0x7e020000 and value 0");
}

TEST_CASE("dangerous-allow: moby's old clone mask lets CLONE_NEWCGROUP through") {
  auto ds = allow_with_args(
      "clone", R"({"index":0,"value":2080505856,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"})");
  require_only(ds, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "allowing \"clone\" creates namespaces unless its flags argument is masked: this rule "
               "lets flags with CLONE_NEWCGROUP (0x2000000) through");
}

TEST_CASE("dangerous-allow: clone ranges are reported only when they reach a namespace bit") {
  // Every value below CLONE_NEWNS (0x20000) is free of namespace bits.
  auto below = allow_with_args("clone", R"({"index":0,"value":131072,"op":"SCMP_CMP_LT"})");
  INFO(scc::test::describe_all(below));
  CHECK(below.empty());
  auto upto = allow_with_args("clone", R"({"index":0,"value":131072,"op":"SCMP_CMP_LE"})");
  require_only(upto, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "this rule lets flags with CLONE_NEWNS (0x20000) through");
  auto not_zero = allow_with_args("clone", R"({"index":0,"value":0,"op":"SCMP_CMP_NE"})");
  require_only(not_zero, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "this rule lets flags with CLONE_NEWNS (0x20000) through");
}

TEST_CASE("dangerous-allow: a mask requiring a namespace bit to be 0 with EQ elsewhere") {
  // MASKED_EQ fixes CLONE_NEWUSER to 0, the range allows the rest: CLONE_NEWNS passes.
  auto ds = allow_with_args(
      "clone", R"({"index":0,"value":268435456,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"})");
  require_only(ds, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "this rule lets flags with CLONE_NEWNS (0x20000) through");
  // A mask that demands a namespace bit be set allows only namespace flags.
  auto set = allow_with_args(
      "clone", R"({"index":0,"value":268435456,"valueTwo":268435456,"op":"SCMP_CMP_MASKED_EQ"})");
  require_only(set, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "this rule lets flags with CLONE_NEWNS (0x20000) through");
}

TEST_CASE("dangerous-allow: unshare EQ CLONE_FS is not reported and EQ CLONE_NEWTIME is") {
  auto fs = allow_with_args("unshare", R"({"index":0,"value":512,"op":"SCMP_CMP_EQ"})");
  INFO(scc::test::describe_all(fs));
  CHECK(fs.empty());
  auto time = allow_with_args("unshare", R"({"index":0,"value":128,"op":"SCMP_CMP_EQ"})");
  require_only(time, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "allowing \"unshare\" creates namespaces; a user namespace opens kernel code otherwise "
               "reserved to privileged users: this rule lets flags with CLONE_NEWTIME (0x80) through");
}

TEST_CASE("dangerous-allow: a condition on another clone argument does not hide the flags") {
  auto ds = allow_with_args("clone", R"({"index":1,"value":0,"op":"SCMP_CMP_EQ"})");
  require_only(ds, Code::DangerousAllow, Severity::Warning, "/syscalls/0/names/0",
               "this rule lets flags with CLONE_NEWNS (0x20000) through");
}

TEST_CASE("empty-profile: default ALLOW with no rule is unconfined") {
  auto ds = validate_text(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[]})");
  require_only(ds, Code::EmptyProfile, Severity::Warning, "/defaultAction",
               "no rule differs from defaultAction \"SCMP_ACT_ALLOW\": the filter allows every "
               "syscall: the process is unconfined");
}

TEST_CASE("empty-profile: default KILL_PROCESS with no rule kills at the first syscall") {
  auto ds = validate_text(R"({"defaultAction":"SCMP_ACT_KILL_PROCESS"})");
  require_only(ds, Code::EmptyProfile, Severity::Warning, "/defaultAction",
               "kills the process at its first syscall");
}
