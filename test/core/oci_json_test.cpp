#include <doctest/doctest.h>

#include "scc/oci_json.hpp"

using namespace scc;

namespace {

Profile full_profile() {
  Profile p;
  p.listener_metadata = "m";  // set first: member order must not matter
  p.listener_path = "/run/l.sock";
  p.flags = {Flag::Tsync, Flag::Log};
  p.architectures = {Arch::Aarch64, Arch::Arm};
  p.has_architectures = true;
  p.default_errno_ret = 38;
  p.default_action = Action::Errno;
  SyscallRule r;
  r.names = {"clone"};
  r.action = Action::Allow;
  r.comment = "dropped";
  r.args = {ArgCondition{0, 2114060288, 0, Operator::MaskedEq, true, ""},
            ArgCondition{1, 7, std::nullopt, Operator::Ne, true, ""}};
  SyscallRule e;
  e.names = {"clone3", "mount"};
  e.action = Action::Errno;
  e.errno_ret = 38;
  p.syscalls = {r, e};
  return p;
}

}  // namespace

TEST_CASE("keys come in the runtime-spec's order - every field written") {
  CHECK(to_oci_json(full_profile()).dump() ==
        R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,)"
        R"("architectures":["SCMP_ARCH_AARCH64","SCMP_ARCH_ARM"],)"
        R"("flags":["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_LOG"],)"
        R"("listenerPath":"/run/l.sock","listenerMetadata":"m","syscalls":[)"
        R"({"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[)"
        R"({"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"},)"
        R"({"index":1,"value":7,"op":"SCMP_CMP_NE"}]},)"
        R"({"names":["clone3","mount"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]})");
}

TEST_CASE("absent fields are omitted") {
  Profile p;
  p.default_action = Action::Allow;
  CHECK(to_oci_json(p).dump() == R"({"defaultAction":"SCMP_ACT_ALLOW"})");
  CHECK(to_oci_json(Profile{}).dump() == "{}");
}

TEST_CASE("an architectures key that was present stays - even empty") {
  Profile p;
  p.default_action = Action::Allow;
  p.has_architectures = true;
  CHECK(to_oci_json(p).dump() == R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":[]})");
}

TEST_CASE("a missing value is written as 0 (the spec requires it) - valueTwo only when given") {
  Profile p;
  p.default_action = Action::Allow;
  SyscallRule r;
  r.names = {"personality"};
  r.action = Action::Allow;
  r.args = {ArgCondition{0, 0, std::nullopt, Operator::MaskedEq, false, ""}};
  p.syscalls = {r};
  CHECK(to_oci_json(p)["syscalls"][0]["args"][0].dump() == R"({"index":0,"value":0,"op":"SCMP_CMP_MASKED_EQ"})");
}

TEST_CASE("64-bit values are written exactly") {
  Profile p;
  p.default_action = Action::Allow;
  SyscallRule r;
  r.names = {"ioctl"};
  r.action = Action::Errno;
  r.errno_ret = 1;
  r.args = {ArgCondition{1, 0xFFFFFFFFFFFFFFFFull, 0x8000000000000000ull, Operator::MaskedEq, true, ""}};
  p.syscalls = {r};
  CHECK(to_oci_json(p)["syscalls"][0]["args"][0].dump() ==
        R"({"index":1,"value":18446744073709551615,"valueTwo":9223372036854775808,"op":"SCMP_CMP_MASKED_EQ"})");
}

TEST_CASE("the text form: 2-space indent - trailing newline - same bytes every time") {
  Profile p;
  p.default_action = Action::Allow;
  p.architectures = {Arch::X86_64};
  CHECK(to_oci_json_text(p) ==
        "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"architectures\": [\n    \"SCMP_ARCH_X86_64\"\n  ]\n}\n");
  CHECK(to_oci_json_text(full_profile()) == to_oci_json_text(full_profile()));
}

TEST_CASE("invalid UTF-8 in a profile built in code is replaced - not thrown") {
  Profile p;
  p.default_action = Action::Notify;
  p.listener_path = "/x";
  p.listener_metadata = std::string("a\xff" "b");
  CHECK(to_oci_json_text(p).find("\"listenerMetadata\": \"a\xEF\xBF\xBD" "b\"") != std::string::npos);
}
