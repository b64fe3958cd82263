#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scc/docker_json.hpp"
#include "scc/profile_merge.hpp"
#include "scc/read.hpp"

using namespace scc;

namespace {

Profile read_one(const std::string& text) {
  auto doc = read_document(text);
  REQUIRE(doc.ok());
  return doc.value->profiles.at(0);
}

const char* kA =
    R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[)"
    R"({"names":["write","read"],"action":"SCMP_ACT_ALLOW"},{"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})";
const char* kB =
    R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[)"
    R"({"names":["close","mount"],"action":"SCMP_ACT_ALLOW"},{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})";

Result<Profile> merge_two(const std::string& a, const std::string& b, MergePreference preference) {
  Profile pa = read_one(a), pb = read_one(b);
  std::vector<MergeInput> inputs{{&pa, "a.json"}, {&pb, "b.json"}};
  return merge_profiles(inputs, preference);
}

}  // namespace

TEST_CASE("merge conflict names both places and fails without a preference") {
  auto m = merge_two(kA, kB, MergePreference::None);
  CHECK_FALSE(m.ok());
  REQUIRE(m.diagnostics.size() == 1);
  const Diagnostic& d = m.diagnostics.items()[0];
  CHECK(d.code == Code::MergeConflict);
  CHECK(d.severity == Severity::Error);
  CHECK(d.message ==
        "\"mount\" has two actions: SCMP_ACT_ERRNO (1) in a.json /syscalls/1/names/0, but SCMP_ACT_ALLOW in b.json "
        "/syscalls/0/names/1");
  CHECK(d.hint == "choose the winner with --prefer first|last|strictest");
}

TEST_CASE("merge prefer strictest first and last") {
  auto strict = merge_two(kA, kB, MergePreference::Strictest);
  REQUIRE(strict.ok());
  CHECK(to_docker_json(*strict.value).dump() ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],)"
        R"("syscalls":[{"names":["close","read","write"],"action":"SCMP_ACT_ALLOW"},)"
        R"({"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})");
  REQUIRE(strict.diagnostics.size() == 1);
  CHECK(strict.diagnostics.items()[0].severity == Severity::Warning);
  auto last = merge_two(kA, kB, MergePreference::Last);
  REQUIRE(last.ok());
  CHECK(to_docker_json(*last.value).dump() ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],)"
        R"("syscalls":[{"names":["close","mount","read","write"],"action":"SCMP_ACT_ALLOW"}]})");
  auto first = merge_two(kB, kA, MergePreference::First);
  REQUIRE(first.ok());
  CHECK(first.value->syscalls.at(0).names == std::vector<std::string>{"close", "mount", "read", "write"});
}

TEST_CASE("merge of differing defaults is a conflict at defaultAction") {
  const char* allow = R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO"}]})";
  auto m = merge_two(kA, allow, MergePreference::None);
  CHECK_FALSE(m.ok());
  REQUIRE(m.diagnostics.size() == 1);
  CHECK(m.diagnostics.items()[0].message ==
        "the default action differs: SCMP_ACT_ERRNO (1) in a.json /defaultAction, but SCMP_ACT_ALLOW in b.json "
        "/defaultAction");
}

TEST_CASE("merge joins archMap entries and keeps conditions apart") {
  const char* x = R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}],)"
                  R"("syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]}]})";
  const char* y = R"({"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]},)"
                  R"({"architecture":"SCMP_ARCH_AARCH64","subArchitectures":[]}],)"
                  R"("syscalls":[{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":0,"value":38,"op":"SCMP_CMP_EQ"}]},)"
                  R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]},)"
                  R"({"names":["openat"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["arm64"]}}]})";
  auto m = merge_two(x, y, MergePreference::None);
  REQUIRE(m.ok());
  CHECK(to_docker_json(*m.value).dump() ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"archMap":[)"  // EPERM, as runc reads none
        R"({"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]},)"
        R"({"architecture":"SCMP_ARCH_AARCH64","subArchitectures":[]}],"syscalls":[)"
        R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]},)"
        R"({"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":0,"value":38,"op":"SCMP_CMP_EQ"}]},)"
        R"({"names":["openat"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["arm64"]}}]})");
}
