#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "scc/container_config.hpp"
#include "support/support.hpp"

using namespace scc;
namespace fs = std::filesystem;

TEST_CASE("the fields the hook uses are read from a runc spec config") {
  auto r = parse_container_config(test::runc_spec_config());
  REQUIRE(r.ok());
  CHECK(r.value->bounding_caps == std::vector<std::string>{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
  CHECK(r.value->has_bounding);
  CHECK(r.value->hostname == "runc");
  CHECK(r.value->env.size() == 2);
  CHECK_FALSE(r.value->seccomp.has_value());
  CHECK(r.value->root["ociVersion"] == "1.0.2-dev");
}

TEST_CASE("linux.seccomp is read with absolute pointers") {
  auto r = parse_container_config(R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}}})");
  REQUIRE(r.ok());
  REQUIRE(r.value->seccomp.has_value());
  CHECK(r.value->seccomp->syscalls.at(0).pointer == "/linux/seccomp/syscalls/0");
  auto bad = parse_container_config(R"({"linux": {"seccomp": {"defaultAction": "SCMP_ACT_NOPE"}}})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.diagnostics.items().front().pointer == "/linux/seccomp/defaultAction");
}

TEST_CASE("ShapeOnly keeps linux.seccomp as written and builds none of it") {
  const std::string text = "{\"hostname\": \"h\",\n \"linux\": {\"seccomp\": {\"defaultAction\":  \"SCMP_ACT_NOPE\",\n"
                           "  \"syscalls\": [{\"names\": [\"read\"], \"errnoRet\": -1}]}, \"sysctl\": {}}}";
  auto r = parse_container_config(text, SeccompReading::ShapeOnly);
  REQUIRE(r.ok());  // the profile is not read, so its bad action is no error here
  CHECK_FALSE(r.value->seccomp.has_value());
  CHECK(r.value->seccomp_text ==
        std::optional<std::string>("{\"defaultAction\":  \"SCMP_ACT_NOPE\",\n  \"syscalls\": [{\"names\": [\"read\"], \"errnoRet\": -1}]}"));
  CHECK(r.value->root["linux"].dump() == R"({"seccomp":{},"sysctl":{}})");
  CHECK(r.value->hostname == "h");
  // Profile reads it and keeps the same text.
  auto full = parse_container_config(text);
  REQUIRE_FALSE(full.ok());
  CHECK(full.diagnostics.items().front().pointer == "/linux/seccomp/defaultAction");
  CHECK(full.diagnostics.items().front().line == 2);
  CHECK(parse_container_config(R"({"linux": {}})", SeccompReading::ShapeOnly).value->seccomp_text == std::nullopt);
}

TEST_CASE("ShapeOnly checks the whole text as strictly and places its errors") {
  // A duplicate key inside linux.seccomp, which ShapeOnly builds nothing of.
  auto dup = parse_container_config("{\"linux\": {\"seccomp\": {\"a\": 1,\n \"a\": 2}}}", SeccompReading::ShapeOnly);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.diagnostics.items().front().code == Code::DuplicateKey);
  CHECK(dup.diagnostics.items().front().line == 2);
  // A wrong shape is placed although ShapeOnly records no positions while parsing.
  auto shape = parse_container_config("{\"linux\": {\"seccomp\": []},\n \"hostname\": 7}", SeccompReading::ShapeOnly);
  REQUIRE_FALSE(shape.ok());
  REQUIRE(shape.diagnostics.items().size() == 2);
  CHECK(shape.diagnostics.items()[0].pointer == "/hostname");
  CHECK(shape.diagnostics.items()[0].line == 2);
  CHECK(shape.diagnostics.items()[0].column == 14);
  CHECK(shape.diagnostics.items()[1].pointer == "/linux/seccomp");
  CHECK(shape.diagnostics.items()[1].column == 23);
  // An integer past 64 bits outside linux.seccomp is still refused.
  auto lossy = parse_container_config(R"({"process": {"user": {"uid": 18446744073709551616}}})", SeccompReading::ShapeOnly);
  REQUIRE_FALSE(lossy.ok());
  CHECK(lossy.diagnostics.items().front().code == Code::BadNumber);
}

TEST_CASE("wrong shapes of the fields the hook uses are errors") {
  CHECK(parse_container_config(R"({"linux": []})").diagnostics.items().front().pointer == "/linux");
  CHECK(parse_container_config(R"({"process": {"env": [1]}})").diagnostics.items().front().pointer == "/process/env/0");
  CHECK(parse_container_config(R"({"hostname": 1})").diagnostics.items().front().pointer == "/hostname");
  CHECK(parse_container_config(R"({"annotations": {"a": "1", "a": "2"}})").diagnostics.items().front().code ==
        Code::DuplicateKey);
}

TEST_CASE("an environment variable is found and two different values are an error") {
  auto found = env_value({"A=1", "SECCOMP_HOOK_PROFILE=web", "SECCOMP_HOOK_PROFILEX=no"}, "SECCOMP_HOOK_PROFILE");
  REQUIRE(found.ok());
  CHECK(*found.value == std::optional<std::string>("web"));
  CHECK(*env_value({"A=1"}, "SECCOMP_HOOK_PROFILE").value == std::nullopt);
  CHECK(*env_value({"X=1", "X=1"}, "X").value == std::optional<std::string>("1"));
  auto twice = env_value({"X=1", "X=2"}, "X");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.diagnostics.items().front().pointer == "/process/env/1");
  CHECK(twice.diagnostics.items().front().message == "X is set twice with different values");
}

TEST_CASE("a bundle's config.json is read but a symlink or a FIFO or a missing bundle is refused") {
  test::TempDir dir;
  dir.write("b/config.json", "{}");
  auto ok = read_bundle_config(dir.path() / "b");
  REQUIRE(ok.ok());
  CHECK(*ok.value == "{}");

  fs::create_directory(dir.path() / "link");
  fs::create_symlink(dir.path() / "b" / "config.json", dir.path() / "link" / "config.json");
  CHECK(read_bundle_config(dir.path() / "link").diagnostics.items().front().message ==
        "cannot read " + (dir.path() / "link" / "config.json").string() + ": Too many levels of symbolic links");

  fs::create_directory(dir.path() / "fifo");
  REQUIRE(::mkfifo((dir.path() / "fifo" / "config.json").c_str(), 0600) == 0);
  CHECK(read_bundle_config(dir.path() / "fifo").diagnostics.items().front().message ==
        "cannot read " + (dir.path() / "fifo" / "config.json").string() + ": not a regular file");

  CHECK(read_bundle_config(dir.path() / "none").diagnostics.items().front().message ==
        "cannot read " + (dir.path() / "none" / "config.json").string() + ": the bundle: No such file or directory");
}
