// Tests core/src/validate_overlaps.cpp: duplicate and conflicting rules for
// one syscall, and the includes/excludes that keep two rules apart.
#include <doctest/doctest.h>

#include <string>

#include "core/validate_support.hpp"
#include "support/support.hpp"

using namespace scc;
using scc::test::require_only;
using scc::test::validate_text;

namespace {

std::string profile(const std::string& rules) { return scc::test::profile_with_rules(rules); }

void require_none(const Diagnostics& ds) {
  INFO(scc::test::describe_all(ds));
  CHECK(ds.empty());
}

}  // namespace

TEST_CASE("duplicate-rule: an identical rule is redundant as a whole") {
  auto ds = validate_text(profile(R"({"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
                                     {"names":["write","read"],"action":"SCMP_ACT_ALLOW"})"));
  require_only(ds, Code::DuplicateRule, Severity::Warning, "/syscalls/1",
               "syscalls \"write\" and \"read\" already get SCMP_ACT_ALLOW from "
               "/syscalls/0/names/1 whenever this rule applies: the rule is redundant");
}

TEST_CASE("duplicate-rule: a conditional rule under an unconditional one with the same action") {
  auto ds = validate_text(profile(R"({"names":["personality","read"],"action":"SCMP_ACT_ALLOW"},
      {"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]})"));
  require_only(ds, Code::DuplicateRule, Severity::Warning, "/syscalls/1",
               "syscall \"personality\" already gets SCMP_ACT_ALLOW from /syscalls/0/names/0 "
               "whenever this rule applies and matches");
}

TEST_CASE("duplicate-rule: one shared name of a larger rule is reported at the name") {
  auto ds = validate_text(profile(R"({"names":["read"],"action":"SCMP_ACT_ALLOW"},
                                     {"names":["write","read"],"action":"SCMP_ACT_ALLOW"})"));
  require_only(ds, Code::DuplicateRule, Severity::Warning, "/syscalls/1/names/1",
               "the entry is redundant");
}

TEST_CASE("no duplicate when each rule applies where the other does not") {
  // moby's ptrace rules: kernel >= 4.8 for everyone, or CAP_SYS_PTRACE.
  require_none(validate_text(profile(
      R"({"names":["kcmp"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}},
         {"names":["kcmp"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_PTRACE"]}})")));
}

TEST_CASE("conflicting-rule: two unconditional rules with different actions") {
  auto ds = validate_text(profile(R"({"names":["read","getpid"],"action":"SCMP_ACT_ALLOW"},
                                     {"names":["getpid"],"action":"SCMP_ACT_KILL_PROCESS"})"));
  require_only(ds, Code::ConflictingRule, Severity::Error, "/syscalls/1/names/0",
               "syscall \"getpid\" gets SCMP_ACT_KILL_PROCESS here and SCMP_ACT_ALLOW at "
               "/syscalls/0/names/1, and both rules can apply: both are unconditional");
}

TEST_CASE("conflicting-rule: a conditional rule under an unconditional one") {
  auto ds = validate_text(profile(R"({"names":["personality"],"action":"SCMP_ACT_ALLOW"},
      {"names":["personality"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]})"));
  require_only(ds, Code::ConflictingRule, Severity::Error, "/syscalls/1/names/0",
               "libseccomp's unconditional rule (at /syscalls/0) erases the conditional one");
}

TEST_CASE("conflicting-rule: conditional rules one call can satisfy both of") {
  // (x & 0xff) == 8 and x > 7 and x != 8: 0x108 satisfies all three.
  auto ds = validate_text(profile(
      R"({"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":255,"valueTwo":8,"op":"SCMP_CMP_MASKED_EQ"}]},
         {"names":["personality"],"action":"SCMP_ACT_ERRNO","errnoRet":22,"args":[{"index":0,"value":8,"op":"SCMP_CMP_NE"},{"index":1,"value":0,"op":"SCMP_CMP_EQ"}]})"));
  require_only(ds, Code::ConflictingRule, Severity::Error, "/syscalls/1/names/0",
               "SCMP_ACT_ERRNO(EINVAL) here and SCMP_ACT_ALLOW at /syscalls/0/names/0, and both "
               "rules can apply: one call can satisfy the conditions of both");
}

TEST_CASE("no conflict between conditional rules no call satisfies together") {
  // EQ 8 vs EQ 0; LT 8 vs GE 8; MASKED_EQ bit 3 set vs clear; EQ 5 vs NE 5.
  require_none(validate_text(profile(
      R"({"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
         {"names":["personality"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]})")));
  require_none(validate_text(profile(
      R"({"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":8,"op":"SCMP_CMP_LT"}]},
         {"names":["personality"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":1,"value":8,"op":"SCMP_CMP_GE"}]})")));
  require_none(validate_text(profile(
      R"({"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"valueTwo":8,"op":"SCMP_CMP_MASKED_EQ"}]},
         {"names":["personality"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":0,"value":12,"valueTwo":4,"op":"SCMP_CMP_MASKED_EQ"}]})")));
  require_none(validate_text(profile(
      R"({"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":5,"op":"SCMP_CMP_EQ"}]},
         {"names":["personality"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":0,"value":5,"op":"SCMP_CMP_NE"}]})")));
}

TEST_CASE("conflict found past excluded values: GE 5 NE 5 NE 6 LE 7 leaves 7") {
  // mmap's length (argument 1) is 64-bit: no width diagnostic interferes.
  auto ds = validate_text(profile(
      R"({"names":["mmap"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":5,"op":"SCMP_CMP_GE"},{"index":1,"value":5,"op":"SCMP_CMP_NE"}]},
         {"names":["mmap"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":1,"value":7,"op":"SCMP_CMP_LE"},{"index":1,"value":6,"op":"SCMP_CMP_NE"}]})"));
  auto conflicts = scc::test::with_code(ds, Code::ConflictingRule);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts.front().pointer == "/syscalls/1/names/0");
  // With 7 excluded too, nothing is left.
  auto apart = validate_text(profile(
      R"({"names":["mmap"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":5,"op":"SCMP_CMP_GE"},{"index":1,"value":5,"op":"SCMP_CMP_NE"},{"index":1,"value":7,"op":"SCMP_CMP_NE"}]},
         {"names":["mmap"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":1,"value":7,"op":"SCMP_CMP_LE"},{"index":1,"value":6,"op":"SCMP_CMP_NE"}]})"));
  CHECK(scc::test::with_code(apart, Code::ConflictingRule).empty());
}

TEST_CASE("no conflict between rules kept apart by caps or arches or kernel versions") {
  // moby's clone3: ENOSYS without CAP_SYS_ADMIN, allowed with it.
  require_none(validate_text(profile(
      R"({"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"excludes":{"caps":["CAP_SYS_ADMIN"]}},
         {"names":["clone3"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}})")));
  require_none(validate_text(profile(
      R"({"names":["getpid"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64"]}},
         {"names":["getpid"],"action":"SCMP_ACT_KILL_PROCESS","includes":{"arches":["arm64"]}})")));
  require_none(validate_text(profile(
      R"({"names":["getpid"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}},
         {"names":["getpid"],"action":"SCMP_ACT_KILL_PROCESS","excludes":{"minKernel":"4.8"}})")));
}

TEST_CASE("conflicting-rule: kernel ranges that meet") {
  auto ds = validate_text(profile(
      R"({"names":["getpid"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}},
         {"names":["getpid"],"action":"SCMP_ACT_KILL_PROCESS","excludes":{"minKernel":"5.4"}})"));
  require_only(ds, Code::ConflictingRule, Severity::Error, "/syscalls/1/names/0",
               "both are unconditional");
}
