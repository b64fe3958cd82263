#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scc/runtime_args.hpp"

using namespace scc;

namespace {

Result<RuntimeInvocation> parse(std::vector<std::string> args) { return parse_runtime_args(args); }

std::string error_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  REQUIRE_FALSE(r.ok());
  CHECK(r.diagnostics.items().front().code == Code::BadValue);
  return r.diagnostics.items().front().pointer + " " + r.diagnostics.items().front().message;
}

}  // namespace

TEST_CASE("docker's create call is read") {
  auto r = parse({"--root", "/run/docker/runtime-runc/moby", "--log", "/b/log.json", "--log-format", "json", "create",
                  "--bundle", "/b", "--pid-file", "/b/init.pid", "0123abcd"});
  REQUIRE(r.ok());
  CHECK(r.value->subcommand == "create");
  CHECK(r.value->reads_config());
  CHECK(r.value->bundle == "/b");
  CHECK(r.value->container_id == "0123abcd");
  CHECK(r.value->log_path == "/b/log.json");
  CHECK(r.value->log_format == "json");
}

TEST_CASE("containerd's run call with --opt=value forms and -b and flags is read") {
  auto r = parse({"--debug", "--root=/r", "--systemd-cgroup", "run", "-b", "bundle", "--console-socket=/s", "--detach",
                  "--no-pivot", "--preserve-fds", "3", "--keep", "id"});
  REQUIRE(r.ok());
  CHECK(r.value->subcommand == "run");
  CHECK(r.value->bundle == "bundle");
  CHECK(r.value->container_id == "id");
}

TEST_CASE("options after the id (crun's argp permutes) and no bundle") {
  auto r = parse({"create", "id", "--pid-file", "/p"});
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->bundle.has_value());
  CHECK(r.value->container_id == "id");
}

TEST_CASE("other subcommands are not read") {
  auto r = parse({"--root", "/r", "start", "--whatever", "id", "extra"});
  REQUIRE(r.ok());
  CHECK(r.value->subcommand == "start");
  CHECK_FALSE(r.value->reads_config());
  auto version = parse({"--version"});
  REQUIRE(version.ok());
  CHECK(version.value->subcommand.empty());
  auto unknown = parse({"--new-global", "x", "state", "id"});
  REQUIRE(unknown.ok());
  CHECK(unknown.value->subcommand.empty());
}

TEST_CASE("an unknown global option before a create is refused") {
  CHECK(error_of({"--new-global", "x", "create", "id"}) == "/0 unknown runtime option \"--new-global\" before the subcommand");
}

TEST_CASE("unknown and ambiguous and unsupported create options are refused") {
  CHECK(error_of({"create", "--bundel", "/b", "id"}) == "/1 unknown or ambiguous create option \"--bundel\"");
  CHECK(error_of({"create", "-bundle", "/b", "id"}) == "/1 unknown or ambiguous create option \"-bundle\"");
  CHECK(error_of({"run", "--config", "/c.json", "id"}) ==
        "/1 option --config (a config file other than the bundle's) is not supported by the wrapper");
  CHECK(error_of({"create", "-f", "/c.json", "id"}) ==
        "/1 option -f (a config file other than the bundle's) is not supported by the wrapper");
  CHECK(error_of({"create", "--no-pivot=true", "id"}) == "/1 unknown or ambiguous create option \"--no-pivot=true\"");
}

TEST_CASE("a missing value and a wrong number of ids are refused") {
  CHECK(error_of({"create", "id", "--bundle"}) == "/2 option --bundle needs a value");
  CHECK(error_of({"--root"}) == "/0 option --root needs a value");
  CHECK(error_of({"create", "--bundle", "/b"}) == "/3 create takes exactly one container id, found 0");
  CHECK(error_of({"create", "a", "b"}) == "/3 create takes exactly one container id, found 2");
}

TEST_CASE("after -- everything is positional") {
  auto r = parse({"create", "--bundle", "/b", "--", "-id"});
  REQUIRE(r.ok());
  CHECK(r.value->container_id == "-id");
}
