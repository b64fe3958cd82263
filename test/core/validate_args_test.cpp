// Tests core/src/validate_args.cpp: argument conditions. Each diagnostic case
// triggers exactly that diagnostic; the width rule is also pinned per operator.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "core/validate_support.hpp"

using namespace scc;
using scc::test::require_only;
using scc::test::validate_text;
using scc::test::with_code;

namespace {

// A profile with one allow rule for `name` holding one condition on `index`.
std::string one_condition(const std::string& name, unsigned index, const std::string& op,
                          const std::string& operands) {
  return R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":[")" + name +
         R"("],"action":"SCMP_ACT_ALLOW","args":[{"index":)" + std::to_string(index) + "," +
         operands + R"(,"op":")" + op + R"("}]}]})";
}

}  // namespace

TEST_CASE("arg-index-range: index 6 is an error") {
  auto ds = validate_text(one_condition("personality", 6, "SCMP_CMP_EQ", R"("value":1)"));
  require_only(ds, Code::ArgIndexRange, Severity::Error, "/syscalls/0/args/0/index",
               "argument index 6 is out of range 0-5");
}

TEST_CASE("masked-eq-without-value: no mask makes the rule unconditional") {
  auto ds = validate_text(one_condition("personality", 0, "SCMP_CMP_MASKED_EQ", R"("valueTwo":0)"));
  require_only(ds, Code::MaskedEqWithoutValue, Severity::Error, "/syscalls/0/args/0",
               "without \"value\" (the mask): mask 0 matches every value, which makes the rule "
               "unconditional");
}

TEST_CASE("masked-eq-without-value: an explicit mask 0 is always true (warning)") {
  auto ds = validate_text(
      one_condition("personality", 0, "SCMP_CMP_MASKED_EQ", R"("value":0,"valueTwo":0)"));
  require_only(ds, Code::MaskedEqWithoutValue, Severity::Warning, "/syscalls/0/args/0/value",
               "with mask 0 matches every value");
}

TEST_CASE("masked-eq-unreachable: valueTwo with bits outside the mask never matches") {
  // moby's clone mask with the operands swapped.
  auto ds = validate_text(
      one_condition("personality", 0, "SCMP_CMP_MASKED_EQ", R"("value":0,"valueTwo":2114060288)"));
  require_only(ds, Code::MaskedEqUnreachable, Severity::Error, "/syscalls/0/args/0/valueTwo",
               "never matches: valueTwo 2114060288 (0x7e020000) has bits outside the mask 0 (0x0)");
  CHECK(ds.items().front().hint.find("look swapped") != std::string::npos);
}

TEST_CASE("repeated-arg-index: spells out runc's and crun's OR meaning") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW",
          "args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"},{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]})");
  require_only(ds, Code::RepeatedArgIndex, Severity::Warning, "/syscalls/0/args/1",
               "runc and crun turn every condition of this rule into its own rule (OR)");
  CHECK(ds.items().front().message.find("also at /syscalls/0/args/0") != std::string::npos);
}

TEST_CASE("width-unsafe-comparison: the issue's socket GT 40 allow rule") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":40,"op":"SCMP_CMP_GT"}]}]})");
  require_only(ds, Code::WidthUnsafeComparison, Severity::Error, "/syscalls/0/args/0",
               "comparison \"SCMP_CMP_GT\" 40 on argument 0 of \"socket\" is not width-safe: the "
               "kernel reads this argument as 32 bits on x86_64 and aarch64, but compared on 64 "
               "bits (as runc, crun and libseccomp load it) 0x100000028, which the kernel reads "
               "as 0x28, matches although 0x28 does not");
}

TEST_CASE("width-unsafe-comparison: an EQ constant above 32 bits (deny rule)") {
  // snapd's TIOCSTI bug class: the kernel reads ioctl's cmd as 32 bits.
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":4294988818,"op":"SCMP_CMP_EQ"}]}]})");
  require_only(ds, Code::WidthUnsafeComparison, Severity::Error, "/syscalls/0/args/0",
               "0x100005412, which the kernel reads as 0x5412, matches although 0x5412 does not");
}

TEST_CASE("width rule per operator on a 32-bit argument (personality arg 0)") {
  struct Case {
    const char* op;
    const char* operands;
    bool unsafe;
  };
  const Case cases[] = {
      // EQ, NE, MASKED_EQ are compiled on the low 32 bits: safe below 2^32.
      {"SCMP_CMP_EQ", R"("value":4294967295)", false},
      {"SCMP_CMP_EQ", R"("value":4294967296)", true},
      {"SCMP_CMP_NE", R"("value":8)", false},
      {"SCMP_CMP_NE", R"("value":4294967296)", true},
      {"SCMP_CMP_MASKED_EQ", R"("value":18446744073709551615,"valueTwo":8)", false},
      {"SCMP_CMP_MASKED_EQ", R"("value":18446744073709551615,"valueTwo":4294967304)", true},
      // Ordered comparisons differ on high bits unless trivially always/never true.
      {"SCMP_CMP_GT", R"("value":40)", true},
      {"SCMP_CMP_GT", R"("value":4294967295)", true},
      {"SCMP_CMP_GT", R"("value":18446744073709551615)", false},
      {"SCMP_CMP_GE", R"("value":0)", false},
      {"SCMP_CMP_GE", R"("value":1)", true},
      {"SCMP_CMP_LT", R"("value":0)", false},
      {"SCMP_CMP_LT", R"("value":38)", true},
      {"SCMP_CMP_LT", R"("value":4294967296)", true},
      {"SCMP_CMP_LE", R"("value":4294967295)", true},
      {"SCMP_CMP_LE", R"("value":18446744073709551615)", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.op);
    CAPTURE(c.operands);
    auto ds = validate_text(one_condition("personality", 0, c.op, c.operands));
    CHECK(with_code(ds, Code::WidthUnsafeComparison).size() == (c.unsafe ? 1u : 0u));
  }
}

TEST_CASE("width rule: no report on a 64-bit argument or on 32-bit-register arches") {
  // mmap's length (argument 1) is a size_t.
  auto wide = validate_text(one_condition("mmap", 1, "SCMP_CMP_GT", R"("value":40)"));
  INFO(scc::test::describe_all(wide));
  CHECK(wide.empty());
  // On x86 and arm seccomp sees 32-bit registers zero-extended.
  auto narrow = validate_text(one_condition("personality", 0, "SCMP_CMP_GT", R"("value":40)"),
                              {Arch::X86, Arch::Arm});
  INFO(scc::test::describe_all(narrow));
  CHECK(narrow.empty());
}

TEST_CASE("width rule: the report names only the syscalls and arches where the arg is 32-bit") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mmap","personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":40,"op":"SCMP_CMP_LT"}]}]})",
      {Arch::X86_64});
  require_only(ds, Code::WidthUnsafeComparison, Severity::Error, "/syscalls/0/args/0",
               "on argument 0 of \"personality\" is not width-safe: the kernel reads this "
               "argument as 32 bits on x86_64, but compared on 64 bits (as runc, crun and "
               "libseccomp load it) 0x100000027, which the kernel reads as 0x27, does not match "
               "although 0x27 does");
}

TEST_CASE("multiplexed-arg-filter: socket arguments are unenforceable on x86") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}]})",
      {Arch::X86});
  require_only(ds, Code::MultiplexedArgFilter, Severity::Warning, "/syscalls/0/names/0",
               "the argument filter on \"socket\" cannot be enforced on x86: programs there can "
               "call it through socketcall(2)");
}

TEST_CASE("multiplexed-arg-filter: ipc calls through ipc(2) via the x86_64 archMap entry") {
  auto ds = validate_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO",
          "archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],
          "syscalls":[{"names":["shmget"],"action":"SCMP_ACT_ALLOW","args":[{"index":2,"value":0,"op":"SCMP_CMP_EQ"}]}]})");
  require_only(ds, Code::MultiplexedArgFilter, Severity::Warning, "/syscalls/0/names/0",
               "the argument filter on \"shmget\" cannot be enforced on x86: programs there "
               "can call it through ipc(2)");
}
