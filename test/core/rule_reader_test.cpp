#include <doctest/doctest.h>

#include <string>

#include "read_expect.hpp"
#include "support/support.hpp"

using namespace scc;
using scc::test::check_says;
using scc::test::dump;
using scc::test::only;
using scc::test::read_text;
using scc::test::single;

namespace {

std::string with_rules(const std::string& rules) { return scc::test::profile_with_rules(rules); }

}  // namespace

TEST_CASE("every Docker rule field reaches the model - with pointers") {
  auto r = read_text(with_rules(R"(
    {"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
    {"name":"clone","action":"SCMP_ACT_ERRNO","errnoRet":38,"comment":"c",
     "args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"},
             {"index":1,"op":"SCMP_CMP_NE"}],
     "includes":{"caps":["CAP_SYS_ADMIN"],"arches":["amd64","x32"],"minKernel":"4.8"},
     "excludes":{"caps":["CAP_BPF"],"arches":["arm64"]}})"));
  INFO(dump(r.diagnostics));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const Profile& p = r.value->profiles[0];
  REQUIRE(p.syscalls.size() == 2);
  const SyscallRule& a = p.syscalls[0];
  CHECK(a.pointer == "/syscalls/0");
  CHECK(a.names == std::vector<std::string>{"read", "write"});
  CHECK(a.name_pointers == std::vector<std::string>{"/syscalls/0/names/0", "/syscalls/0/names/1"});
  CHECK(a.used_names_field);
  CHECK_FALSE(a.used_name_field);
  CHECK(a.action == Action::Allow);
  CHECK_FALSE(a.errno_ret);
  const SyscallRule& b = p.syscalls[1];
  CHECK(b.names == std::vector<std::string>{"clone"});
  CHECK(b.name_pointers == std::vector<std::string>{"/syscalls/1/name"});
  CHECK(b.used_name_field);
  CHECK(b.errno_ret == 38U);
  CHECK(b.comment == "c");
  REQUIRE(b.args.size() == 2);
  CHECK(b.args[0].pointer == "/syscalls/1/args/0");
  CHECK(b.args[0].value == 2114060288U);
  CHECK(b.args[0].value_two == 0U);
  CHECK(b.args[0].op == Operator::MaskedEq);
  CHECK(b.args[0].has_value);
  CHECK(b.args[1].index == 1U);
  CHECK_FALSE(b.args[1].has_value);  // "value" absent
  CHECK_FALSE(b.args[1].value_two);
  CHECK(b.includes.pointer == "/syscalls/1/includes");
  CHECK(b.includes.caps == std::vector<std::string>{"CAP_SYS_ADMIN"});
  CHECK(b.includes.arches == std::vector<std::string>{"amd64", "x32"});
  REQUIRE(b.includes.min_kernel);
  CHECK(*b.includes.min_kernel == KernelVersion{4, 8});
  CHECK(b.excludes.pointer == "/syscalls/1/excludes");
  CHECK(b.excludes.arches == std::vector<std::string>{"arm64"});
  CHECK_FALSE(b.excludes.min_kernel);
}

TEST_CASE("name together with names is name-and-names") {
  auto r = read_text(with_rules(R"({"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"})"));
  const Diagnostic* d = single(r, Code::NameAndNames);
  CHECK(d->pointer == "/syscalls/0");
  CHECK(d->message ==
        R"(both "name" ("read") and "names" are given; docker and podman refuse this)");
}

TEST_CASE("a rule without action - or without names - is missing-field") {
  auto no_action = read_text(with_rules(R"({"names":["read"]})"));
  CHECK(single(no_action, Code::MissingField)->message == R"(the rule has no "action")");
  auto no_names = read_text(with_rules(R"({"action":"SCMP_ACT_ALLOW"})"));
  CHECK(single(no_names, Code::MissingField)->message ==
        R"(the rule has neither "names" nor "name")");
  auto no_op = read_text(with_rules(
      R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1}]})"));
  CHECK(single(no_op, Code::MissingField)->pointer == "/syscalls/0/args/0");
}

TEST_CASE("unknown actions and operators name the nearest valid one") {
  auto action = read_text(with_rules(R"({"names":["read"],"action":"SCMP_ACT_ALLOWED"})"));
  const Diagnostic* d = single(action, Code::UnknownAction);
  CHECK(d->pointer == "/syscalls/0/action");
  CHECK(d->message == R"(unknown action "SCMP_ACT_ALLOWED")");
  CHECK(d->hint == R"(did you mean "SCMP_ACT_ALLOW"?)");
  auto lower = read_text(with_rules(R"({"names":["read"],"action":"scmp_act_allow"})"));
  CHECK(single(lower, Code::UnknownAction)->hint == R"(did you mean "SCMP_ACT_ALLOW"?)");
  auto op = read_text(with_rules(
      R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQQ"}]})"));
  d = single(op, Code::UnknownOperator);
  CHECK(d->pointer == "/syscalls/0/args/0/op");
  CHECK(d->hint == R"(did you mean "SCMP_CMP_EQ"?)");
}

TEST_CASE("minKernel follows moby: exactly two numeric parts - not 0.0") {
  for (const char* bad : {"4.8.1", "abc", "0.0", "4", "4.", ".8", "4.8-rc1", "-4.8", "256.1", "4.256"}) {
    auto r = read_text(with_rules(
        std::string(R"({"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":")") +
        bad + "\"}}"));
    INFO(bad);
    const Diagnostic* d = single(r, Code::BadMinKernel);
    CHECK(d->pointer == "/syscalls/0/includes/minKernel");
    CHECK(d->message == "minKernel \"" + std::string(bad) +
                            "\" is not <major>.<minor> (two numbers 0 to 255, not 0.0), as docker requires");
  }
  auto empty = read_text(
      with_rules(R"({"names":["read"],"action":"SCMP_ACT_ALLOW","excludes":{"minKernel":""}})"));
  REQUIRE(empty.ok());
  CHECK_FALSE(empty.value->profiles[0].syscalls[0].excludes.min_kernel);
  auto ok = read_text(with_rules(
      R"({"names":["read"],"action":"SCMP_ACT_ALLOW","excludes":{"minKernel":"5.10"}})"));
  REQUIRE(ok.ok());
  CHECK(*ok.value->profiles[0].syscalls[0].excludes.min_kernel == KernelVersion{5, 10});
}

TEST_CASE("includes/excludes arches must be Docker native names") {
  auto r = read_text(with_rules(
      R"({"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64","x86_64"]}})"));
  const Diagnostic* d = single(r, Code::UnknownArch);
  CHECK(d->pointer == "/syscalls/0/includes/arches/1");
  CHECK(d->hint == R"(did you mean "amd64"?)");
  auto scmp = read_text(with_rules(
      R"({"names":["read"],"action":"SCMP_ACT_ALLOW","excludes":{"arches":["SCMP_ARCH_AARCH64"]}})"));
  CHECK(single(scmp, Code::UnknownArch)->hint == R"(did you mean "arm64"?)");
}

// reliability.md §5 row 31: a misspelt cap would silently drop (includes) or keep
// (excludes) the rule for every container.
TEST_CASE("includes/excludes caps must be exact capability names") {
  auto unknown = read_text(with_rules(
      R"({"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN","CAP_FOO"]}})"));
  check_says(*single(unknown, Code::UnknownCapability), "/syscalls/0/includes/caps/1",
             R"(unknown capability "CAP_FOO": it never matches any container)",
             "capabilities are named like CAP_SYS_ADMIN");
  auto typo = read_text(with_rules(
      R"({"names":["syslog"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_LOGG"]}})"));
  check_says(*single(typo, Code::UnknownCapability), "/syscalls/0/includes/caps/0",
             R"(unknown capability "CAP_SYS_LOGG": it never matches any container)",
             R"(did you mean "CAP_SYSLOG"?)");
  auto spelling = read_text(with_rules(
      R"({"names":["read"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["sys_admin"]}})"));
  check_says(*single(spelling, Code::UnknownCapability), "/syscalls/0/excludes/caps/0",
             R"(capability "sys_admin" never matches: includes/excludes compare exact names)",
             R"(did you mean "CAP_SYS_ADMIN"?)");
}

TEST_CASE(
    "containers/common errno names are kept beside errnoRet - unknown ones are unknown-errno") {
  auto r = read_text(
      with_rules(R"({"names":["read"],"action":"SCMP_ACT_ERRNO","errno":"EPERM","errnoRet":1})"));
  INFO(dump(r.diagnostics));
  REQUIRE(r.ok());
  CHECK(r.value->dialect == Dialect::ContainersCommon);
  CHECK(r.value->profiles[0].syscalls[0].errno_name == "EPERM");
  CHECK(r.value->profiles[0].syscalls[0].errno_ret == 1U);
  auto bad =
      read_text(with_rules(R"({"names":["read"],"action":"SCMP_ACT_ERRNO","errno":"ENOSUCH"})"));
  const Diagnostic* d = single(bad, Code::UnknownErrno);
  CHECK(d->pointer == "/syscalls/0/errno");
  CHECK(d->message == R"(unknown errno name "ENOSUCH")");
}

TEST_CASE("minKernel in a containers/common profile is a warning: podman ignores it") {
  auto r = read_text(with_rules(
      R"({"names":["read"],"action":"SCMP_ACT_ERRNO","errno":"EPERM","includes":{"minKernel":"4.8"}})"));
  const Diagnostic* d = single(r, Code::DialectMismatch);
  CHECK(d->severity == Severity::Warning);
  CHECK(d->pointer == "/syscalls/0/includes/minKernel");
  CHECK(r.ok());
}

TEST_CASE("too many names or too long a name are refused before they are stored") {
  ReadOptions options;
  options.limits.max_names = 3;
  auto r = read_document(
      with_rules(
          R"({"names":["a","b"],"action":"SCMP_ACT_ALLOW"},{"names":["c","d","e"],"action":"SCMP_ACT_ALLOW"})"),
      options);
  const Diagnostic* d = single(r, Code::TooManyRules);
  CHECK(d->pointer == "/syscalls/1/names/1");
  REQUIRE(r.value);
  CHECK(r.value->profiles[0].syscalls[1].names == std::vector<std::string>{"c"});
  auto long_name = read_text(
      with_rules(R"({"names":[")" + std::string(65, 'x') + R"("],"action":"SCMP_ACT_ALLOW"})"));
  d = single(long_name, Code::InputTooLarge);
  CHECK(d->pointer == "/syscalls/0/names/0");
}
