#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "read_expect.hpp"
#include "support/support.hpp"

using namespace scc;
using scc::test::dump;
using scc::test::only;
using scc::test::read_text;
using scc::test::single;

namespace {

Result<Document> read_corpus(const std::string& name) {
  return read_text(scc::test::read_file(scc::test::shared_dir() / "corpus" / name));
}

constexpr const char* kSpoStream = R"(---
apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata:
  name: first
spec:
  defaultAction: SCMP_ACT_ERRNO
---
apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata:
  name: second
spec:
  defaultAction: "SCMP_ACT_ERRNO"
  syscalls:
  - action: SCMP_ACT_ALLOW
    names:
    - read
    - opne
    args:
    - index: 0
      value: 1
      op: SCMP_CMP_EQ
)";

}  // namespace

TEST_CASE("empty input is input-empty") {
  for (const char* text : {"", "  \n\t "}) {
    auto r = read_text(text);
    CHECK_FALSE(r.value);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.items()[0].code == Code::InputEmpty);
  }
}

TEST_CASE("a 100 MB input fails on the size check alone") {
  // Built in memory. An invalid UTF-8 byte and an unterminated object show
  // that nothing after the size check looked at the bytes.
  std::string big(100U * 1024U * 1024U, ' ');
  big[0] = '{';
  big[10] = '\xFF';
  auto r = read_text(big);
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::InputTooLarge);
  CHECK(r.diagnostics.items()[0].message == "the input is 104857600 bytes; the limit is 4194304");
}

TEST_CASE("bytes that are not UTF-8 are input-not-utf8 with offset and line:column") {
  auto r = read_text("{\n  \"a\": \"\xFF\"\n}");
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics.items()[0];
  CHECK(d.code == Code::InputNotUtf8);
  CHECK(d.message ==
        "the input is not UTF-8: byte 0xff at offset 10 does not start a valid sequence");
  CHECK(d.line == 2);
  CHECK(d.column == 9);
}

TEST_CASE("10 000-deep nesting is nesting-too-deep at the 65th level") {
  auto r = read_text(std::string(10000, '[') + std::string(10000, ']'));
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics.items()[0];
  CHECK(d.code == Code::NestingTooDeep);
  CHECK(d.line == 1);
  CHECK(d.column == 65);
  CHECK(d.message == "arrays and objects nest deeper than 64 levels");
  std::string deep_objects;
  for (int i = 0; i < 100000; ++i) deep_objects += "{\"a\":";
  auto objects = read_text(deep_objects);
  CHECK(single(objects, Code::NestingTooDeep)->column == 5 * 64 + 1);
}

TEST_CASE("more than max_values JSON values is input-too-large before any value is built") {
  ReadOptions options;
  options.limits.max_values = 100;
  std::string many =
      R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"action":"SCMP_ACT_ALLOW","names":[)";
  for (int i = 0; i < 200; ++i) many += (i ? ",\"n\"" : "\"n\"");
  many += "]}]}";
  auto r = read_document(many, options);
  CHECK_FALSE(r.value);
  const Diagnostic* d = single(r, Code::InputTooLarge);
  CHECK(d->pointer ==
        "/syscalls/0/names/94");  // value 101: root, 2 members, array, rule, 2 members, 94 names
  CHECK(d->message == "the input holds more than 100 values");
}

TEST_CASE("a top level that is not an object is not-an-object") {
  for (const char* text :
       {"[]", "[{\"defaultAction\":\"SCMP_ACT_ALLOW\"}]", "42", "\"profile\"", "- a\n- b\n"}) {
    auto r = read_text(text);
    INFO(text);
    CHECK_FALSE(r.value);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics.items()[0].code == Code::NotAnObject);
  }
  CHECK(read_text("[]").diagnostics.items()[0].message ==
        "the top level is an array, not an object");
}

TEST_CASE(
    "malformed JSON is json-syntax with nlohmann's words and the offending token's line:column") {
  auto r = read_text(
      "{\n"
      "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
      "  \"syscalls\": [\n"
      "    {\"names\": [\"read\"] \"action\": \"SCMP_ACT_ALLOW\"}\n"
      "  ]\n"
      "}\n");
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics.items()[0];
  CHECK(d.code == Code::JsonSyntax);
  CHECK(d.message == "syntax error while parsing object - unexpected string literal; expected '}'");
  CHECK(d.line == 4);
  CHECK(d.column == 24);
  auto bom = read_text("\xEF\xBB\xBF{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
  CHECK(single(bom, Code::JsonSyntax)->line == 1);
  auto comment = read_text("// docker profile\n{}");
  CHECK(single(comment, Code::JsonSyntax)->column == 1);
}

TEST_CASE("duplicate keys are errors that name both occurrences") {
  auto r =
      read_text("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"defaultAction\": \"SCMP_ACT_ERRNO\"}");
  const Diagnostic* d = single(r, Code::DuplicateKey);
  CHECK(d->pointer == "/defaultAction");
  CHECK(d->message ==
        "duplicate key \"defaultAction\": /defaultAction at line 1 and /defaultAction at line 2; "
        "parsers disagree on which one wins (Go keeps the last)");
  CHECK(d->line == 2);
  CHECK(d->column == 2);
  CHECK_FALSE(r.ok());
}

TEST_CASE("every problem is reported - not only the first") {
  auto r = read_text(R"({"defaultAction":"SCMP_ACT_NOPE","flags":["X"],"syscalls":[
      {"names":["read"],"action":"SCMP_ACT_ALLOWX"},
      {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":-1,"value":1,"op":"EQ"}]}]})");
  INFO(dump(r.diagnostics));
  CHECK(r.diagnostics.size() == 5);
  CHECK(scc::test::count_code(r.diagnostics, Code::UnknownAction) == 2);
  CHECK(scc::test::count_code(r.diagnostics, Code::UnknownFlag) == 1);
  CHECK(scc::test::count_code(r.diagnostics, Code::BadNumber) == 1);
  CHECK(scc::test::count_code(r.diagnostics, Code::UnknownOperator) == 1);
}

TEST_CASE("diagnostics of the reader carry the line:column of their value") {
  auto r = read_text(
      "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"syscalls\": [{\"names\": [\"read\"],\n    "
      "\"action\": \"ALLOW\"}]\n}");
  const Diagnostic* d = single(r, Code::UnknownAction);
  CHECK(d->line == 4);
  CHECK(d->column == 15);
}

TEST_CASE("a later stage's pointer is located through the document's SourceMap") {
  auto r = read_text(
      "{\n"
      "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
      "  \"syscalls\": [\n"
      "    {\"names\": [\"read\", \"opne\"], \"action\": \"SCMP_ACT_ALLOW\"}\n"
      "  ]\n"
      "}\n");
  REQUIRE(r.ok());
  const Profile& p = r.value->profiles[0];
  Diagnostics later;
  later.error(Code::UnknownSyscall, p.syscalls[0].name_pointers[1], "unknown syscall \"opne\"");
  later.error(Code::RepeatedArgIndex, p.syscalls[0].pointer + "/args", "no such member");
  r.value->positions.locate(later);
  CHECK(later.items()[0].pointer == "/syscalls/0/names/1");
  CHECK(later.items()[0].line == 4);
  CHECK(later.items()[0].column == 24);
  CHECK(later.items()[1].line == 4);  // the rule itself
  CHECK(later.items()[1].column == 5);
}

TEST_CASE("a whole OCI config.json: pointers are absolute from its root") {
  auto r = read_text(
      R"({"ociVersion":"1.0.2","process":{},"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","opne"],"action":"SCMP_ACT_ALLOW"}]}}})");
  INFO(dump(r.diagnostics));
  REQUIRE(r.ok());
  const Profile& p = r.value->profiles[0];
  CHECK(p.dialect == Dialect::OciConfig);
  CHECK(p.pointer == "/linux/seccomp");
  CHECK(p.syscalls[0].pointer == "/linux/seccomp/syscalls/0");
  CHECK(p.syscalls[0].name_pointers[1] == "/linux/seccomp/syscalls/0/names/1");
  CHECK(r.value->positions.find("/linux/seccomp/syscalls/0/names/1"));
}

TEST_CASE("an SPO YAML stream gives one profile per document - named from metadata") {
  auto r = read_text(kSpoStream);
  INFO(dump(r.diagnostics));
  REQUIRE(r.ok());
  REQUIRE(r.value->profiles.size() == 2);
  CHECK(r.value->dialect == Dialect::Spo);
  CHECK(r.value->profiles[0].name == "first");
  CHECK(r.value->profiles[1].name == "second");
  const Profile& second = r.value->profiles[1];
  CHECK(second.pointer == "/1/spec");
  CHECK(second.syscalls[0].name_pointers[1] == "/1/spec/syscalls/0/names/1");
  CHECK(second.syscalls[0].args[0].value == 1U);
  const auto at = r.value->positions.find("/1/spec/syscalls/0/names/1");
  REQUIRE(at);
  CHECK(at->line == 19);
  CHECK(at->column == 7);
  CHECK(read_text(kSpoStream, Dialect::Spo).ok());
  CHECK(single(read_text(kSpoStream, Dialect::Docker), Code::DialectMismatch)->pointer == "");
}

TEST_CASE("YAML problems: syntax - duplicate keys - non-SPO documents") {
  auto syntax = read_text("apiVersion: v1\nkind: [\n");
  const Diagnostic* s = single(syntax, Code::YamlSyntax);
  CHECK(s->message == "YAML syntax error: end of sequence flow not found");
  CHECK(s->line == 3);  // where the input ends with the sequence still open
  CHECK(s->column == 1);
  auto dup = read_text(
      "apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nspec:\n  "
      "defaultAction: SCMP_ACT_LOG\n  defaultAction: SCMP_ACT_ERRNO\n");
  const Diagnostic* d = single(dup, Code::DuplicateKey);
  CHECK(d->pointer == "/spec/defaultAction");
  CHECK(d->line == 5);
  auto docker_yaml = read_text("defaultAction: SCMP_ACT_ERRNO\n");
  CHECK(single(docker_yaml, Code::NotAProfile)->message.find("write other profiles as JSON") !=
        std::string::npos);
  auto forced = read_text("defaultAction: SCMP_ACT_ERRNO\n", Dialect::Spo);
  CHECK(single(forced, Code::DialectMismatch)->pointer == "");
  auto mixed = read_text(std::string("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n") +
                         kSpoStream);
  INFO(dump(mixed.diagnostics));
  d = single(mixed, Code::NotAProfile);
  CHECK(d->severity == Severity::Warning);
  CHECK(d->pointer == "/0");
  REQUIRE(mixed.value);
  CHECK(mixed.value->profiles.size() == 2);
  CHECK(mixed.value->profiles[1].pointer == "/2/spec");
}

TEST_CASE("YAML numbers follow the JSON rules: exact unsigned integers only") {
  auto r = read_text(
      "apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nspec:\n"
      "  defaultAction: SCMP_ACT_ERRNO\n  syscalls:\n  - names: [socket]\n    action: "
      "SCMP_ACT_ALLOW\n"
      "    args:\n    - {index: \"0\", value: -1, valueTwo: 010, op: SCMP_CMP_EQ}\n");
  INFO(dump(r.diagnostics));
  CHECK(single(r, Code::TypeMismatch)->pointer == "/spec/syscalls/0/args/0/index");
  CHECK(scc::test::count_code(r.diagnostics, Code::BadNumber) == 2);
  CHECK(r.diagnostics.items()[1].message ==
        "number -1 is not an exact integer in [0, 18446744073709551615]");
  CHECK(r.diagnostics.items()[2].message ==
        "number 010 is not an exact integer in [0, 18446744073709551615]");
}

TEST_CASE("every file of the shared corpus reads without an error") {
  scc::test::skip_unless_shared();
  std::size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(scc::test::shared_dir() / "corpus")) {
    const std::string name = entry.path().filename().string();
    if (name == "oci-seccomp-bpf-hook.hooks.d.json") continue;
    ++files;
    auto r = read_corpus(name);
    INFO(name << "\n" << dump(r.diagnostics));
    CHECK(r.ok());
    CHECK(r.diagnostics.count(Severity::Error) == 0);
  }
  CHECK(files == 9);
}

TEST_CASE("the corpus hooks.d file is exactly not-a-profile") {
  scc::test::skip_unless_shared();
  auto r = read_corpus("oci-seccomp-bpf-hook.hooks.d.json");
  CHECK_FALSE(r.value);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items()[0].code == Code::NotAProfile);
  CHECK(r.diagnostics.items()[0].message == "an OCI hooks.d file, not a seccomp profile");
}

TEST_CASE("moby-default.json reads into the expected model") {
  scc::test::skip_unless_shared();
  auto r = read_corpus("moby-default.json");
  REQUIRE(r.ok());
  const Profile& p = r.value->profiles[0];
  CHECK(p.dialect == Dialect::Docker);
  CHECK(p.default_action == Action::Errno);
  CHECK(p.default_errno_ret == 1U);
  CHECK(p.arch_map.size() == 9);
  REQUIRE(p.syscalls.size() == 33);
  CHECK(p.syscalls[0].names.size() == 361);
  CHECK(p.syscalls[0].names[0] == "accept");
  CHECK(p.syscalls[0].action == Action::Allow);
  const auto at = r.value->positions.find("/syscalls/0/names/0");
  REQUIRE(at);
  CHECK(at->line == 64);
}

TEST_CASE("the corpus SPO stream gives four named profiles") {
  scc::test::skip_unless_shared();
  auto r = read_corpus("spo-seccompprofile.yaml");
  REQUIRE(r.ok());
  REQUIRE(r.value->profiles.size() == 4);
  CHECK(r.value->profiles[0].name == "profile-block-all");
  CHECK(r.value->profiles[3].name == "profile-complain-block-high-risk");
  CHECK(r.value->profiles[3].syscalls.size() == 2);
  CHECK(r.value->profiles[3].syscalls[1].names.size() == 50);
  CHECK(r.value->profiles[3].pointer == "/3/spec");
}

TEST_CASE("the corpus containers/common default keeps errno names beside errnoRet") {
  scc::test::skip_unless_shared();
  auto r = read_corpus("containers-common-default.json");
  REQUIRE(r.ok());
  const Profile& p = r.value->profiles[0];
  CHECK(p.dialect == Dialect::ContainersCommon);
  CHECK(p.default_errno_name == "ENOSYS");
  CHECK(p.default_errno_ret == 38U);
}
