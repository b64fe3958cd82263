#include <doctest/doctest.h>

#include <string>

#include "read_expect.hpp"

using namespace scc;
using scc::test::check_says;
using scc::test::count_code;
using scc::test::dump;
using scc::test::only;
using scc::test::read_text;
using scc::test::single;

namespace {

// A profile with one rule whose body is `rule` (JSON members, no braces).
std::string with_rule(const std::string& rule) {
  return R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{)" + rule + "}]}";
}

}  // namespace

TEST_CASE("wrong JSON types are type-mismatch - never coerced") {
  struct Case {
    std::string rule;
    const char* pointer;
  };
  const Case cases[] = {
      {R"("names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":"0","value":1,"op":"SCMP_CMP_EQ"}])",
       "/syscalls/0/args/0/index"},
      {R"("names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":true,"op":"SCMP_CMP_EQ"}])",
       "/syscalls/0/args/0/value"},
      {R"("names":"read","action":"SCMP_ACT_ALLOW")", "/syscalls/0/names"},
      {R"("names":["read"],"action":"SCMP_ACT_ALLOW","args":{})", "/syscalls/0/args"},
      {R"("names":[7],"action":"SCMP_ACT_ALLOW")", "/syscalls/0/names/0"},
      {R"("names":["read"],"action":1)", "/syscalls/0/action"},
      {R"("names":["read"],"action":"SCMP_ACT_ERRNO","errnoRet":"1")", "/syscalls/0/errnoRet"},
      {R"("names":["read"],"action":"SCMP_ACT_ALLOW","includes":[])", "/syscalls/0/includes"},
  };
  for (const Case& c : cases) {
    auto r = read_text(with_rule(c.rule));
    INFO(c.rule);
    CHECK(single(r, Code::TypeMismatch)->pointer == c.pointer);
    CHECK_FALSE(r.ok());
  }
  auto top = read_text(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":{}})");
  CHECK(single(top, Code::TypeMismatch)->pointer == "/syscalls");
  CHECK(single(top, Code::TypeMismatch)->message == "expected an array, found an object");
}

TEST_CASE("numbers must be exact integers in (0 - 2^64-1)") {
  for (const char* literal : {"-1", "38.0", "3.8e1", "18446744073709551616", "-0", "1E2"}) {
    auto r = read_text(with_rule(
        std::string(R"("names":["read"],"action":"SCMP_ACT_ERRNO","errnoRet":)") + literal));
    INFO(literal);
    const Diagnostic* d = single(r, Code::BadNumber);
    CHECK(d->pointer == "/syscalls/0/errnoRet");
    CHECK(d->message == std::string("number ") + literal +
                            " is not an exact integer in [0, 18446744073709551615]");
  }
  auto huge = read_text(with_rule(R"("names":["read"],"action":"SCMP_ACT_ERRNO","errnoRet":1e400)"));
  CHECK_FALSE(huge.value);  // nlohmann cannot hold it: the document is refused
  const Diagnostic* d = single(huge, Code::BadNumber);
  CHECK(d->pointer == "/syscalls/0/errnoRet");
  CHECK(d->line == 1);
  CHECK(d->column == 102);
  auto max = read_text(with_rule(
      R"("names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}])"));
  INFO(dump(max.diagnostics));
  REQUIRE(max.ok());
  CHECK(max.value->profiles[0].syscalls[0].args[0].value == 18446744073709551615ULL);
}

TEST_CASE("an unknown field in a rule is an error with the nearest known field as hint") {
  // reliability.md row 30: "arg" for "args" would drop the condition and
  // turn a conditional allow into an unconditional one.
  auto r = read_text(with_rule(R"("names":["socket"],"action":"SCMP_ACT_ALLOW","arg":[])"));
  const Diagnostic* d = single(r, Code::UnknownField);
  CHECK(d->severity == Severity::Error);
  check_says(*d, "/syscalls/0/arg",
             R"(unknown field "arg" in a rule: a runtime ignores it, which may drop a condition)",
             R"(did you mean "args"?)");
  CHECK_FALSE(r.ok());
}

TEST_CASE("unknown fields in an argument and in includes are errors too") {
  auto arg = read_text(
      with_rule(R"("names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"valuetwo":0,"op":"SCMP_CMP_EQ"}])"));
  const Diagnostic* d = single(arg, Code::UnknownField);
  CHECK(d->severity == Severity::Error);
  CHECK(d->pointer == "/syscalls/0/args/0/valuetwo");
  CHECK(d->hint == R"(did you mean "valueTwo"?)");
  auto inc = read_text(with_rule(R"("names":["socket"],"action":"SCMP_ACT_ALLOW","includes":{"cap":["CAP_SYS_ADMIN"]})"));
  d = single(inc, Code::UnknownField);
  CHECK(d->severity == Severity::Error);
  CHECK(d->pointer == "/syscalls/0/includes/cap");
  CHECK(d->hint == R"(did you mean "caps"?)");
}

TEST_CASE("unknown fields at the top level stay warnings with the nearest known field as hint") {
  auto r = read_text(R"({"defaultAction":"SCMP_ACT_ERRNO","architecture":["SCMP_ARCH_X86_64"]})");
  const Diagnostic* d = single(r, Code::UnknownField);
  CHECK(d->severity == Severity::Warning);
  check_says(*d, "/architecture", R"(unknown field "architecture" is ignored)", R"(did you mean "architectures"?)");
  CHECK(r.ok());
}

TEST_CASE("comment is allowed on rules - as Docker allows it - and nowhere else") {
  auto rule = read_text(with_rule(R"("names":["read"],"action":"SCMP_ACT_ALLOW","comment":"why")"));
  CHECK(rule.diagnostics.empty());
  REQUIRE(rule.value);
  CHECK(rule.value->profiles[0].syscalls[0].comment == "why");
  auto top = read_text(R"({"comment":"x","defaultAction":"SCMP_ACT_ALLOW"})");
  const Diagnostic* d = single(top, Code::UnknownField);
  CHECK(d->pointer == "/comment");
  CHECK(d->severity == Severity::Warning);
  // In a forced OCI read a comment is harmless: a warning, not an error.
  auto oci = read_text(with_rule(R"("names":["read"],"action":"SCMP_ACT_ALLOW","comment":"why")"),
                       Dialect::Oci);
  d = single(oci, Code::DialectMismatch);
  CHECK(d->severity == Severity::Warning);
  CHECK(d->pointer == "/syscalls/0/comment");
}

TEST_CASE("a key that matches a known one but for case is an error with a hint") {
  auto r = read_text(R"({"DefaultAction":"SCMP_ACT_ALLOW"})");
  const Diagnostic* d = single(r, Code::UnknownField);
  CHECK(d->severity == Severity::Error);
  CHECK(d->pointer == "/DefaultAction");
  CHECK(d->hint == R"(did you mean "defaultAction"?)");
  CHECK(count_code(r.diagnostics, Code::MissingDefaultAction) == 1);
  auto arg = read_text(with_rule(
      R"("names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"ValueTwo":2,"op":"SCMP_CMP_EQ"}])"));
  d = single(arg, Code::UnknownField);
  CHECK(d->severity == Severity::Error);
  CHECK(d->pointer == "/syscalls/0/args/0/ValueTwo");
  CHECK(d->hint == R"(did you mean "valueTwo"?)");
}

TEST_CASE("null reads as absent - as Go's encoding/json leaves the field unset") {
  auto r = read_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":null,"archMap":[{"architecture":"SCMP_ARCH_RISCV64","subArchitectures":null}],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":null,"includes":null}]})");
  INFO(dump(r.diagnostics));
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->profiles[0].default_errno_ret);
  CHECK(r.value->profiles[0].arch_map[0].sub_architectures.empty());
}
