#include <doctest/doctest.h>

#include <string>

#include "read_expect.hpp"

using namespace scc;
using scc::test::count_code;
using scc::test::dump;
using scc::test::only;
using scc::test::read_text;
using scc::test::single;

namespace {

std::string spo(const std::string& spec) {
  return R"({"apiVersion":"security-profiles-operator.x-k8s.io/v1","kind":"SeccompProfile","metadata":{"name":"p"},"spec":)" +
         spec + "}";
}

}  // namespace

TEST_CASE("every top-level Docker field reaches the model") {
  auto r = read_text(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
    "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
    "listenerPath": "/run/agent.sock", "listenerMetadata": "meta",
    "syscalls": []})");
  INFO(dump(r.diagnostics));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const Profile& p = r.value->profiles[0];
  CHECK(p.dialect == Dialect::Docker);
  CHECK(p.pointer == "");
  CHECK(p.default_action == Action::Errno);
  CHECK(p.default_errno_ret == 38U);
  CHECK(p.has_arch_map);
  CHECK_FALSE(p.has_architectures);
  REQUIRE(p.arch_map.size() == 2);
  CHECK(p.arch_map[0].architecture == Arch::X86_64);
  CHECK(p.arch_map[0].sub_architectures == std::vector<Arch>{Arch::X86, Arch::X32});
  CHECK(p.arch_map[1].pointer == "/archMap/1");
  CHECK(p.flags == std::vector<Flag>{Flag::Log, Flag::SpecAllow});
  CHECK(p.listener_path == "/run/agent.sock");
  CHECK(p.listener_metadata == "meta");
  CHECK(p.syscalls.empty());
  CHECK_FALSE(p.is_flat());
}

TEST_CASE("a profile without defaultAction is missing-default-action - {} included") {
  for (const char* text : {"{}", R"({"syscalls":[]})", R"({"defaultAction":""})"}) {
    auto r = read_text(text);
    INFO(text);
    const Diagnostic* d = single(r, Code::MissingDefaultAction);
    CHECK(d->pointer == "");
    CHECK(d->message.find("no seccomp at all") != std::string::npos);
  }
  auto unknown = read_text(R"({"defaultAction":"SCMP_ACT_NOPE"})");
  CHECK(single(unknown, Code::UnknownAction)->pointer == "/defaultAction");
}

TEST_CASE("architectures together with archMap is architectures-and-archmap") {
  auto r = read_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]})");
  CHECK(single(r, Code::ArchitecturesAndArchMap)->pointer == "/archMap");
  auto empty = read_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":[],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]})");
  CHECK(count_code(empty.diagnostics, Code::ArchitecturesAndArchMap) == 0);  // moby: both non-empty
}

TEST_CASE("unknown arches and flags name the nearest valid one") {
  auto r = read_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_65","amd64","SCMP_ARCH_NATIVE"],"flags":["SECCOMP_FILTER_FLAG_TSYN"]})");
  INFO(dump(r.diagnostics));
  REQUIRE(count_code(r.diagnostics, Code::UnknownArch) == 3);
  const auto& items = r.diagnostics.items();
  CHECK(items[0].pointer == "/architectures/0");
  CHECK(items[0].hint == R"(did you mean "SCMP_ARCH_X86_64"?)");
  CHECK(items[1].pointer == "/architectures/1");
  CHECK(items[1].hint == R"(did you mean "SCMP_ARCH_X86_64"?)");
  CHECK(items[2].message.find("SCMP_ARCH_NATIVE") != std::string::npos);
  const Diagnostic* flag = only(r.diagnostics, Code::UnknownFlag);
  REQUIRE(flag);
  CHECK(flag->pointer == "/flags/0");
  CHECK(flag->hint == R"(did you mean "SECCOMP_FILTER_FLAG_TSYNC"?)");
}

TEST_CASE("archMap entries are read with pointers: a missing architecture is missing-field") {
  auto r = read_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"subArchitectures":["SCMP_ARCH_X86"]},{"architecture":"SCMP_ARCH_MIPS"}]})");
  CHECK(single(r, Code::MissingField)->pointer == "/archMap/0");
  REQUIRE(r.value);
  REQUIRE(r.value->profiles[0].arch_map.size() == 1);
  CHECK(r.value->profiles[0].arch_map[0].pointer == "/archMap/1");
}

TEST_CASE("more than max_rules rules is too-many-rules - and the rest is not read") {
  ReadOptions options;
  options.limits.max_rules = 2;
  auto r = read_document(
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW"},{"names":["b"],"action":"SCMP_ACT_ALLOW"},{"names":["c"],"action":"SCMP_ACT_ALLOW"}]})",
      options);
  const Diagnostic* d = single(r, Code::TooManyRules);
  CHECK(d->pointer == "/syscalls");
  CHECK(d->message == "3 rules; the limit is 2");
  REQUIRE(r.value);
  CHECK(r.value->profiles[0].syscalls.size() == 2);
}

TEST_CASE("containers/common defaultErrno is kept by name: unknown names are unknown-errno") {
  auto r = read_text(
      R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS","defaultErrnoRet":38})");
  REQUIRE(r.ok());
  CHECK(r.value->profiles[0].default_errno_name == "ENOSYS");
  CHECK(r.value->profiles[0].default_errno_ret == 38U);
  auto bad = read_text(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOPE"})");
  CHECK(single(bad, Code::UnknownErrno)->pointer == "/defaultErrno");
}

TEST_CASE("an SPO object: name from metadata - pointers under /spec") {
  auto r = read_text(spo(
      R"({"defaultAction":"SCMP_ACT_LOG","syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]})"));
  INFO(dump(r.diagnostics));
  REQUIRE(r.ok());
  const Profile& p = r.value->profiles[0];
  CHECK(p.name == "p");
  CHECK(p.pointer == "/spec");
  CHECK(p.syscalls[0].name_pointers[1] == "/spec/syscalls/0/names/1");
}

TEST_CASE("Docker-only fields in an SPO spec are dialect-mismatch errors") {
  auto r = read_text(spo(
      R"({"defaultAction":"SCMP_ACT_LOG","defaultErrnoRet":1,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{}}]})"));
  INFO(dump(r.diagnostics));
  CHECK(count_code(r.diagnostics, Code::DialectMismatch) == 2);
  CHECK(r.diagnostics.items()[0].pointer == "/spec/defaultErrnoRet");
  CHECK(r.diagnostics.items()[1].pointer == "/spec/syscalls/0/includes");
}

TEST_CASE("an SPO baseProfileName is a warning: its rules are not merged in") {
  auto r = read_text(
      spo(R"({"defaultAction":"SCMP_ACT_LOG","baseProfileName":"runc-v1.2.0","disabled":false})"));
  const Diagnostic* d = single(r, Code::UnknownField);
  CHECK(d->severity == Severity::Warning);
  CHECK(d->pointer == "/spec/baseProfileName");
  CHECK(r.ok());
}
