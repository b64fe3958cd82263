#include <doctest/doctest.h>

#include "scc/docker_json.hpp"
#include "scc/read.hpp"

using namespace scc;

namespace {

Profile docker_profile() {
  Profile p;
  p.default_action = Action::Errno;
  p.default_errno_ret = 1;
  p.has_arch_map = true;
  p.arch_map = {ArchMapEntry{Arch::X86_64, {Arch::X86}, ""}, ArchMapEntry{Arch::Aarch64, {}, ""}};
  SyscallRule r;
  r.names = {"read", "write"};
  r.action = Action::Allow;
  SyscallRule c;
  c.names = {"socket"};
  c.action = Action::Allow;
  c.comment = "inet only";
  c.args = {ArgCondition{0, 0xffffffff, 2, Operator::MaskedEq, true, ""}};
  c.includes.arches = {"amd64"};
  c.excludes.caps = {"CAP_NET_ADMIN"};
  c.excludes.min_kernel = KernelVersion{5, 4};
  p.syscalls = {r, c};
  return p;
}

}  // namespace

TEST_CASE("Docker keys in moby's order with archMap includes excludes and comment") {
  CHECK(to_docker_json(docker_profile()).dump() ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"archMap":[)"
        R"({"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]},)"
        R"({"architecture":"SCMP_ARCH_AARCH64","subArchitectures":[]}],"syscalls":[)"
        R"({"names":["read","write"],"action":"SCMP_ACT_ALLOW"},)"
        R"({"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[)"
        R"({"index":0,"value":4294967295,"valueTwo":2,"op":"SCMP_CMP_MASKED_EQ"}],)"
        R"("comment":"inet only","includes":{"arches":["amd64"]},)"
        R"("excludes":{"caps":["CAP_NET_ADMIN"],"minKernel":"5.4"}}]})");
}

TEST_CASE("architectures are written when there is no archMap") {
  Profile p;
  p.default_action = Action::Allow;
  p.architectures = {Arch::X86_64};
  CHECK(to_docker_json_text(p) == "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"architectures\": [\n    \"SCMP_ARCH_X86_64\"\n  ]\n}\n");
}

TEST_CASE("the Docker text reads back as the same profile") {
  const Profile p = docker_profile();
  auto doc = read_document(to_docker_json_text(p));
  REQUIRE(doc.ok());
  const Profile& back = doc.value->profiles.at(0);
  CHECK(back.dialect == Dialect::Docker);
  CHECK(to_docker_json_text(back) == to_docker_json_text(p));
  CHECK(back.syscalls.at(1).includes.arches == std::vector<std::string>{"amd64"});
  CHECK(back.arch_map.at(0).sub_architectures == std::vector<Arch>{Arch::X86});
}
