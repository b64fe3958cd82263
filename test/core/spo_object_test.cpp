// to_spo_object / to_yaml_text (core/src/spo_object.cpp): the exact YAML of a
// small profile, the round trip through the SPO reader, and what SPO cannot hold.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scc/oci_json.hpp"
#include "scc/read.hpp"
#include "scc/spo_object.hpp"

using namespace scc;

namespace {

Profile read_one(const std::string& text) {
  auto document = read_document(text);
  INFO(text);
  REQUIRE(document.ok());
  REQUIRE(document.value->profiles.size() == 1);
  return document.value->profiles.front();
}

std::string spo_yaml(const Profile& flat, const std::string& name) {
  auto object = to_spo_object(flat, name);
  REQUIRE(object.ok());
  return to_yaml_text(*object.value);
}

// Every OCI field SPO's spec has, argument values at the edges of 64 bits.
const std::string kFull = R"({
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG"],
  "listenerPath": "/var/run/security-profiles-operator/agent.sock",
  "listenerMetadata": "on",
  "syscalls": [
    {"names": ["read", "write", "exit_group", "on", "no"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]},
    {"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
    {"names": ["getpid"], "action": "SCMP_ACT_NOTIFY"}
  ]
})";

}  // namespace

TEST_CASE("spo_object: the exact YAML of a small profile") {
  Profile p = read_one(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                 {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
                  "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]})");
  CHECK(spo_yaml(p, "web") ==
        "apiVersion: \"security-profiles-operator.x-k8s.io/v1beta1\"\n"
        "kind: \"SeccompProfile\"\n"
        "metadata:\n"
        "  name: \"web\"\n"
        "spec:\n"
        "  defaultAction: \"SCMP_ACT_ERRNO\"\n"
        "  architectures:\n"
        "    - \"SCMP_ARCH_X86_64\"\n"
        "  syscalls:\n"
        "    - names:\n"
        "        - \"read\"\n"
        "        - \"write\"\n"
        "      action: \"SCMP_ACT_ALLOW\"\n"
        "    - names:\n"
        "        - \"socket\"\n"
        "      action: \"SCMP_ACT_ALLOW\"\n"
        "      args:\n"
        "        - index: 0\n"
        "          value: 2\n"
        "          op: \"SCMP_CMP_EQ\"\n");
}

TEST_CASE("spo_object: the SPO reader reads the YAML back to the same profile") {
  Profile original = read_one(kFull);
  const std::string yaml = spo_yaml(original, "full-profile");
  auto back = read_document(yaml);
  INFO(yaml);
  REQUIRE(back.ok());
  CHECK(back.value->dialect == Dialect::Spo);
  REQUIRE(back.value->profiles.size() == 1);
  const Profile& read = back.value->profiles.front();
  CHECK(read.name == "full-profile");
  CHECK(to_oci_json_text(read) == to_oci_json_text(original));
}

TEST_CASE("spo_object: defaultErrnoRet 1 is left out and reads back as the runtimes' EPERM") {
  Profile p = read_one(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  auto object = to_spo_object(p, "eperm");
  REQUIRE(object.ok());
  CHECK_FALSE(object.value->at("spec").contains("defaultErrnoRet"));
}

TEST_CASE("spo_object: what an SPO SeccompProfile cannot hold is an error") {
  Profile enosys = read_one(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  auto object = to_spo_object(enosys, "enosys");
  CHECK_FALSE(object.ok());
  REQUIRE(object.diagnostics.size() == 1);
  CHECK(object.diagnostics.begin()->pointer == "/defaultErrnoRet");
  CHECK(object.diagnostics.begin()->message ==
        "defaultErrnoRet 38 cannot be written in an SPO SeccompProfile: its spec has no "
        "defaultErrnoRet, so the runtimes would return EPERM (1) instead");

  Profile conditional = read_one(R"({"defaultAction": "SCMP_ACT_ERRNO",
    "syscalls": [{"names": ["syslog"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYSLOG"]}}]})");
  auto not_flat = to_spo_object(conditional, "conditional");
  CHECK_FALSE(not_flat.ok());
  REQUIRE(not_flat.diagnostics.size() == 1);
  CHECK(not_flat.diagnostics.begin()->code == Code::ProfileNotFlat);

  Profile plain = read_one(R"({"defaultAction": "SCMP_ACT_ALLOW"})");
  const std::vector<std::string> bad_names{"", "Web", "web_server", "-web", "web.", std::string(254, 'a')};
  for (const std::string& bad : bad_names) {
    auto named = to_spo_object(plain, bad);
    INFO(bad);
    CHECK_FALSE(named.ok());
  }
}

TEST_CASE("spo_object: is_kubernetes_name") {
  CHECK(is_kubernetes_name("runtime-default"));
  CHECK(is_kubernetes_name("a"));
  CHECK(is_kubernetes_name("web.v2"));
  CHECK(is_kubernetes_name(std::string(253, 'a')));
  CHECK_FALSE(is_kubernetes_name(std::string(254, 'a')));
  CHECK_FALSE(is_kubernetes_name("Web"));
  CHECK_FALSE(is_kubernetes_name("web_server"));
  CHECK_FALSE(is_kubernetes_name("-web"));
  CHECK_FALSE(is_kubernetes_name("web-"));
  CHECK_FALSE(is_kubernetes_name(""));
}
