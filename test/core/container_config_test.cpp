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
