#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "scc/docker_json.hpp"
#include "scc/recorded_profile.hpp"
#include "scc/resolve.hpp"
#include "scc/compile.hpp"
#include "scc/runtime_baseline.hpp"
#include "scc/validate.hpp"

using namespace scc;

namespace {

RecordedProfileOptions no_baseline() {
  RecordedProfileOptions o;
  o.include_baseline = false;
  return o;
}

std::string text_of(const Recording& r, const RecordedProfileOptions& o) {
  auto p = recorded_profile(r, o);
  REQUIRE(p.ok());
  return to_docker_json(*p.value).dump();
}

bool has_code(const Diagnostics& d, Code code, Severity severity) {
  return std::any_of(d.begin(), d.end(), [&](const Diagnostic& x) { return x.code == code && x.severity == severity; });
}

}  // namespace

TEST_CASE("names sorted in one allow rule with EPERM default and archMap") {
  Recording r;
  r.syscalls[Arch::X86_64]["write"].count = 3;
  r.syscalls[Arch::X86_64]["exit_group"].count = 1;
  r.syscalls[Arch::X86_64]["read"].count = 2;
  CHECK(text_of(r, no_baseline()) ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"archMap":[)"
        R"({"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}],"syscalls":[)"
        R"({"names":["exit_group","read","write"],"action":"SCMP_ACT_ALLOW"}]})");
}

TEST_CASE("the errno is configurable and range checked") {
  Recording r;
  r.syscalls[Arch::X86_64]["read"].count = 1;
  RecordedProfileOptions o = no_baseline();
  o.errno_ret = 38;
  CHECK(text_of(r, o).find(R"("defaultErrnoRet":38)") != std::string::npos);
  o.errno_ret = 4095;
  auto bad = recorded_profile(r, o);
  CHECK_FALSE(bad.ok());
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK(bad.diagnostics.items()[0].code == Code::ErrnoRange);
  CHECK(bad.diagnostics.items()[0].message == "errno 4095 is out of range 0-4094");
}

TEST_CASE("an empty recording is an error") {
  auto p = recorded_profile(Recording{});
  CHECK_FALSE(p.ok());
  CHECK(has_code(p.diagnostics, Code::EmptyProfile, Severity::Error));
}

TEST_CASE("the runtime baseline is included unless left out") {
  Recording r;
  r.syscalls[Arch::X86_64]["read"].count = 1;
  auto with = recorded_profile(r);
  REQUIRE(with.ok());
  const auto& names = with.value->syscalls.at(0).names;
  CHECK(names.size() == runtime_baseline(Arch::X86_64).size());  // read is in the baseline
  CHECK(std::find(names.begin(), names.end(), "execve") != names.end());
  CHECK(std::is_sorted(names.begin(), names.end()));
  auto without = recorded_profile(r, no_baseline());
  REQUIRE(without.ok());
  CHECK(without.value->syscalls.at(0).names == std::vector<std::string>{"read"});
}

TEST_CASE("32-bit calls make x86 a sub-architecture of x86_64") {
  Recording r;
  r.syscalls[Arch::X86_64]["read"].count = 1;
  r.syscalls[Arch::X86]["socketcall"].count = 1;
  auto p = recorded_profile(r, no_baseline());
  REQUIRE(p.ok());
  REQUIRE(p.value->arch_map.size() == 1);
  CHECK(p.value->arch_map[0].architecture == Arch::X86_64);
  CHECK(p.value->arch_map[0].sub_architectures == std::vector<Arch>{Arch::X86});
  CHECK(p.value->syscalls.at(0).names == std::vector<std::string>{"read", "socketcall"});
}

TEST_CASE("names seen on one native arch only carry includes.arches") {
  Recording r;
  r.syscalls[Arch::X86_64]["read"].count = 1;
  r.syscalls[Arch::X86_64]["open"].count = 1;
  r.syscalls[Arch::Aarch64]["read"].count = 1;
  r.syscalls[Arch::Aarch64]["openat"].count = 1;
  CHECK(text_of(r, no_baseline()) ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"archMap":[)"
        R"({"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]},)"
        R"({"architecture":"SCMP_ARCH_AARCH64","subArchitectures":[]}],"syscalls":[)"
        R"({"names":["read"],"action":"SCMP_ACT_ALLOW"},)"
        R"({"names":["open"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64"]}},)"
        R"({"names":["openat"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["arm64"]}}]})");
}

TEST_CASE("argument values become one rule per combination - 32-bit arguments compare the low half") {
  Recording r;
  r.syscalls[Arch::X86_64]["socket"] = {3, {{0, {10, 2}}, {1, {0x80001}}}};
  r.syscalls[Arch::X86_64]["clone"] = {1, {{0, {0x1200011}}}};
  CHECK(text_of(r, no_baseline()) ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"archMap":[)"
        R"({"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}],"syscalls":[)"
        R"({"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18874385,"op":"SCMP_CMP_EQ"}]},)"
        R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[)"
        R"({"index":0,"value":4294967295,"valueTwo":2,"op":"SCMP_CMP_MASKED_EQ"},)"
        R"({"index":1,"value":4294967295,"valueTwo":524289,"op":"SCMP_CMP_MASKED_EQ"}]},)"
        R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[)"
        R"({"index":0,"value":4294967295,"valueTwo":10,"op":"SCMP_CMP_MASKED_EQ"},)"
        R"({"index":1,"value":4294967295,"valueTwo":524289,"op":"SCMP_CMP_MASKED_EQ"}]}]})");
}

TEST_CASE("argument rules are dropped for names the baseline allows and past the rule limit") {
  Recording r;
  r.syscalls[Arch::X86_64]["prctl"] = {1, {{0, {38}}}};  // in the baseline
  r.syscalls[Arch::X86_64]["ioctl"] = {1, {{1, {1, 2, 3}}}};
  RecordedProfileOptions o;
  o.max_arg_rules = 2;
  auto p = recorded_profile(r, o);
  REQUIRE(p.ok());
  REQUIRE(p.value->syscalls.size() == 1);
  const auto& names = p.value->syscalls[0].names;
  CHECK(std::find(names.begin(), names.end(), "prctl") != names.end());
  CHECK(std::find(names.begin(), names.end(), "ioctl") != names.end());
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics.items()[0].code == Code::RuleTooComplex);
  CHECK(p.diagnostics.items()[0].message ==
        "the argument values recorded for \"ioctl\" on x86_64 would need more than 2 rules: it is allowed with any "
        "arguments");
}

TEST_CASE("numbers outside the tables are left out with a warning") {
  Recording r;
  r.syscalls[Arch::X86_64]["read"].count = 1;
  r.syscalls[Arch::X86_64]["__nr_999"].count = 1;
  auto p = recorded_profile(r, no_baseline());
  REQUIRE(p.ok());
  CHECK(p.value->syscalls.at(0).names == std::vector<std::string>{"read"});
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics.items()[0].severity == Severity::Warning);
  CHECK(p.diagnostics.items()[0].code == Code::UnknownSyscall);
}

TEST_CASE("a base profile is united - recorded names win over its denials") {
  Profile base;
  base.default_action = Action::Errno;
  base.has_arch_map = true;
  base.arch_map = {ArchMapEntry{Arch::Aarch64, {Arch::Arm}, ""}};
  SyscallRule allow;
  allow.names = {"getpid", "read"};
  allow.action = Action::Allow;
  SyscallRule deny;
  deny.names = {"clone3"};
  deny.action = Action::Errno;
  deny.errno_ret = 38;
  deny.pointer = "/syscalls/1";
  base.syscalls = {allow, deny};
  Recording r;
  r.syscalls[Arch::X86_64]["read"].count = 1;
  r.syscalls[Arch::X86_64]["clone3"].count = 1;
  RecordedProfileOptions o = no_baseline();
  o.base = &base;
  auto p = recorded_profile(r, o);
  REQUIRE(p.ok());
  CHECK(to_docker_json(*p.value).dump() ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"archMap":[)"
        R"({"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]},)"
        R"({"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]}],"syscalls":[)"
        R"({"names":["clone3","read"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64"]}},)"
        R"({"names":["getpid","read"],"action":"SCMP_ACT_ALLOW"},)"
        R"({"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"excludes":{"arches":["amd64"]}}]})");
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics.items()[0].severity == Severity::Note);
  CHECK(p.diagnostics.items()[0].pointer == "/syscalls/1");
  CHECK(p.diagnostics.items()[0].message ==
        "the base gives \"clone3\" SCMP_ACT_ERRNO; the recording saw it, so it stays allowed where it was seen");
}

TEST_CASE("a recorded profile validates and compiles for x86_64 with its 32-bit calls") {
  Recording r;
  r.syscalls[Arch::X86_64]["read"].count = 1;
  r.syscalls[Arch::X86_64]["socket"] = {1, {{0, {2}}}};
  r.syscalls[Arch::X86]["socketcall"].count = 1;
  auto p = recorded_profile(r);
  REQUIRE(p.ok());
  Diagnostics v = validate(*p.value);
  CHECK_FALSE(v.has_errors());
  Target t = default_target();
  t.arch = Arch::X86_64;
  auto flat = resolve(*p.value, t);
  REQUIRE(flat.ok());
  CHECK(flat.value->architectures == std::vector<Arch>{Arch::X86_64, Arch::X86});
  auto compiled = compile(*flat.value);
  CHECK(compiled.ok());
}
