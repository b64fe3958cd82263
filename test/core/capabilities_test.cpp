#include <doctest/doctest.h>

#include "scc/capabilities.hpp"

using namespace scc;

namespace {
using Caps = std::vector<std::string>;
}

TEST_CASE("Docker's default set is the 14 caps of moby and containers/common") {
  CHECK(docker_default_caps() ==
        Caps{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
             "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
             "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"});
  for (const auto& cap : docker_default_caps()) CHECK(parse_capability(cap) == cap);
}

TEST_CASE("capability_names lists libcap's names canonical and in number order") {
  const Caps names = capability_names();
  REQUIRE(names.size() >= 41);  // CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40)
  CHECK(names[0] == "CAP_CHOWN");
  CHECK(names[21] == "CAP_SYS_ADMIN");
  CHECK(names[34] == "CAP_SYSLOG");
  CHECK(names[40] == "CAP_CHECKPOINT_RESTORE");
  for (const std::string& name : names) {
    CAPTURE(name);
    CHECK(parse_capability(name) == name);
  }
}

TEST_CASE("parse_capability takes any case - with or without CAP_") {
  CHECK(parse_capability("CAP_SYS_ADMIN") == "CAP_SYS_ADMIN");
  CHECK(parse_capability("SYS_ADMIN") == "CAP_SYS_ADMIN");
  CHECK(parse_capability("sys_admin") == "CAP_SYS_ADMIN");
  CHECK(parse_capability("Cap_Sys_Admin") == "CAP_SYS_ADMIN");
  CHECK(parse_capability("cap_checkpoint_restore") == "CAP_CHECKPOINT_RESTORE");
  CHECK(parse_capability("chown") == "CAP_CHOWN");
}

TEST_CASE("parse_capability rejects unknown names - numbers and trailing text") {
  for (const char* bad : {"CAP_SYS_ADMN", "foo", "", "CAP_", "21", "cap_21", "cap_chown,cap_kill", "chown ",
                          "ALL"}) {
    CAPTURE(bad);
    CHECK(parse_capability(bad) == std::nullopt);
  }
}

TEST_CASE("parse_capabilities canonicalises - drops repeats and names each bad one") {
  auto ok = parse_capabilities({"kill", "CAP_KILL", "sys_admin"});
  REQUIRE(ok.ok());
  CHECK(*ok.value == Caps{"CAP_KILL", "CAP_SYS_ADMIN"});

  auto bad = parse_capabilities({"kill", "sys_admn", "nope"}, "/process/capabilities/bounding");
  CHECK_FALSE(bad.ok());
  REQUIRE(bad.diagnostics.size() == 2);
  CHECK(bad.diagnostics.items()[0].code == Code::UnknownCapability);
  CHECK(bad.diagnostics.items()[0].pointer == "/process/capabilities/bounding/1");
  CHECK(bad.diagnostics.items()[0].message == "unknown capability \"sys_admn\"");
  CHECK(bad.diagnostics.items()[1].pointer == "/process/capabilities/bounding/2");

  auto no_pointer = parse_capabilities({"nope"});
  REQUIRE(no_pointer.diagnostics.size() == 1);
  CHECK(no_pointer.diagnostics.items()[0].pointer == "");
}

TEST_CASE("parse_capability_list splits on commas and ignores blanks around names") {
  auto caps = parse_capability_list(" CAP_CHOWN , kill,SYS_ADMIN");
  REQUIRE(caps.ok());
  CHECK(*caps.value == Caps{"CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN"});

  auto empty = parse_capability_list("");
  REQUIRE(empty.ok());
  CHECK(empty.value->empty());

  auto hole = parse_capability_list("chown,,kill");
  REQUIRE(hole.diagnostics.size() == 1);
  CHECK(hole.diagnostics.items()[0].message == "unknown capability \"\"");
}

TEST_CASE("bounding_capabilities_from_config reads process.capabilities.bounding") {
  auto caps = bounding_capabilities_from_config(
      R"({"ociVersion":"1.0.2","process":{"capabilities":{"bounding":["CAP_KILL","CAP_SYS_ADMIN"],
          "effective":["CAP_CHOWN"]}}})");
  REQUIRE(caps.ok());
  CHECK(caps.diagnostics.empty());
  CHECK(*caps.value == Caps{"CAP_KILL", "CAP_SYS_ADMIN"});
}

TEST_CASE("a config.json without a bounding set resolves with no caps - and says so") {
  for (const char* text : {R"({"process":{"capabilities":{"effective":["CAP_KILL"]}}})", R"({"process":{}})",
                           R"({})", R"({"process":{"capabilities":{"bounding":null}}})"}) {
    CAPTURE(text);
    auto caps = bounding_capabilities_from_config(text);
    REQUIRE(caps.ok());
    CHECK(caps.value->empty());
    REQUIRE(caps.diagnostics.size() == 1);
    CHECK(caps.diagnostics.items()[0].severity == Severity::Note);
    CHECK(caps.diagnostics.items()[0].code == Code::MissingField);
    CHECK(caps.diagnostics.items()[0].pointer == "/process/capabilities/bounding");
  }
}

TEST_CASE("bad bounding sets are errors with their pointer") {
  auto not_array = bounding_capabilities_from_config(R"({"process":{"capabilities":{"bounding":"CAP_KILL"}}})");
  CHECK_FALSE(not_array.ok());
  REQUIRE(not_array.diagnostics.size() == 1);
  CHECK(not_array.diagnostics.items()[0].code == Code::TypeMismatch);
  CHECK(not_array.diagnostics.items()[0].pointer == "/process/capabilities/bounding");

  auto items = bounding_capabilities_from_config(R"({"process":{"capabilities":{"bounding":["CAP_KILL",7,"CAP_NOPE"]}}})");
  CHECK_FALSE(items.ok());
  REQUIRE(items.diagnostics.size() == 2);
  CHECK(items.diagnostics.items()[0].code == Code::TypeMismatch);
  CHECK(items.diagnostics.items()[0].pointer == "/process/capabilities/bounding/1");
  CHECK(items.diagnostics.items()[1].code == Code::UnknownCapability);
  CHECK(items.diagnostics.items()[1].pointer == "/process/capabilities/bounding/2");

  auto process_string = bounding_capabilities_from_config(R"({"process":"x"})");
  REQUIRE(process_string.diagnostics.size() == 1);
  CHECK(process_string.diagnostics.items()[0].code == Code::TypeMismatch);
  CHECK(process_string.diagnostics.items()[0].pointer == "/process");
}

TEST_CASE("a malformed config.json is a syntax error with line and column") {
  auto caps = bounding_capabilities_from_config("{\n  \"process\": {,\n}");
  CHECK_FALSE(caps.ok());
  REQUIRE(caps.diagnostics.size() == 1);
  CHECK(caps.diagnostics.items()[0].code == Code::JsonSyntax);
  CHECK(caps.diagnostics.items()[0].line == 2);
  CHECK(caps.diagnostics.items()[0].column == 15);

  auto deep = bounding_capabilities_from_config(std::string(10000, '[') + std::string(10000, ']'));
  REQUIRE(deep.diagnostics.size() == 1);
  CHECK(deep.diagnostics.items()[0].code == Code::NestingTooDeep);

  auto array = bounding_capabilities_from_config("[]");
  REQUIRE(array.diagnostics.size() == 1);
  CHECK(array.diagnostics.items()[0].code == Code::TypeMismatch);
  CHECK(array.diagnostics.items()[0].pointer == "");
}
