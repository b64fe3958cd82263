#include <doctest/doctest.h>

#include <string>

#include "scc/container_policy.hpp"
#include "support/support.hpp"

using namespace scc;

namespace {

// The default: an allowlist with one conditional rule.
constexpr const char* kBase = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [
    {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]})";
// Allows less: no write, personality under one more condition.
constexpr const char* kStrict = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [
    {"names": ["read", "exit_group"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]})";
// Allows ptrace, which the default never does.
constexpr const char* kPtrace = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["read", "ptrace"], "action": "SCMP_ACT_ALLOW"}]})";
// personality under another condition: looser on personality(8).
constexpr const char* kOtherCondition = R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]})";
// A denylist: allows every syscall it does not name.
constexpr const char* kDenylist = R"({"defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]})";
// ptrace only when arg0 is 0: still "allows ptrace" for the deny list.
constexpr const char* kConditionalPtrace = R"({"defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]})";
constexpr const char* kBroken = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["opne"], "action": "SCMP_ACT_ALLOW"}]})";

struct Fixture {
  test::TempDir dir;
  HookConfig config;
  Fixture() {
    for (auto [name, text] : {std::pair{"base", kBase}, {"strict", kStrict}, {"ptrace", kPtrace},
                              {"other-condition", kOtherCondition}, {"denylist", kDenylist},
                              {"conditional-ptrace", kConditionalPtrace}, {"broken", kBroken}})
      dir.write(std::string("profiles/") + name + ".json", text);
    config.profile_dirs = {dir.path() / "profiles"};
    config.default_profile = "base";
  }
};

// A config.json with the given annotations, env and linux.seccomp.
ContainerConfig container(const std::string& annotations = "{}", const std::string& env = "[]",
                          const std::string& seccomp = "") {
  std::string text = R"({"ociVersion": "1.0.2", "process": {"env": )" + env +
                     R"(, "capabilities": {"bounding": ["CAP_KILL"]}}, "annotations": )" + annotations;
  if (!seccomp.empty()) text += R"(, "linux": {"seccomp": )" + seccomp + "}";
  auto r = parse_container_config(text + "}");
  REQUIRE(r.ok());
  return std::move(*r.value);
}

std::string profile_annotation(const std::string& name) {
  return R"({"seccomp-hook.profile": ")" + name + R"("})";
}

Diagnostic first_error(const Diagnostics& d) {
  for (const Diagnostic& item : d)
    if (item.severity == Severity::Error) return item;
  FAIL("no error");
  return d.items().front();
}

}  // namespace

TEST_CASE("selection: annotation then environment then the default") {
  Fixture f;
  auto a = select_profile(f.config, container(profile_annotation("strict")));
  REQUIRE(a.ok());
  CHECK(a.value->source == ProfileSource::Annotation);
  CHECK(a.value->name == "strict");
  auto e = select_profile(f.config, container("{}", R"(["PATH=/bin", "SECCOMP_HOOK_PROFILE=strict"])"));
  REQUIRE(e.ok());
  CHECK(e.value->source == ProfileSource::Environment);
  auto d = select_profile(f.config, container());
  REQUIRE(d.ok());
  CHECK(d.value->source == ProfileSource::Default);
  CHECK(d.value->name == "base");
  f.config.default_profile.clear();
  CHECK(select_profile(f.config, container()).value->source == ProfileSource::None);
}

TEST_CASE("selection: annotation and environment that disagree are refused") {
  Fixture f;
  auto r = select_profile(f.config, container(profile_annotation("strict"), R"(["SECCOMP_HOOK_PROFILE=base"])"));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "annotation seccomp-hook.profile = \"strict\" and SECCOMP_HOOK_PROFILE = \"base\" disagree");
}

TEST_CASE("selection: a traversal name in the annotation is refused") {
  Fixture f;
  auto r = select_profile(f.config, container(profile_annotation("../../etc/shadow")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).code == Code::ProfileNameInvalid);
}

TEST_CASE("requireProfile refuses a container that names no profile") {
  Fixture f;
  f.config.default_profile.clear();
  f.config.policy.require_profile = true;
  auto r = decide(f.config, container("{}", "[]", kBase));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "policy.requireProfile is set and the container names no profile (no seccomp-hook.profile annotation, "
        "no SECCOMP_HOOK_PROFILE variable, no defaultProfile)");
}

TEST_CASE("requireProfile accepts a container that names one") {
  Fixture f;
  f.config.policy.require_profile = true;
  auto r = decide(f.config, container());
  REQUIRE(r.ok());
  REQUIRE(r.value->profile.has_value());
  CHECK(r.value->profile->name == "base");
  CHECK(r.value->profile->flat.is_flat());
}

TEST_CASE("refuseUnconfined refuses a config without linux.seccomp") {
  Fixture f;
  f.config.default_profile.clear();
  auto r = decide(f.config, container());
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "the container is unconfined (config.json has no linux.seccomp that denies anything) and "
        "policy.refuseUnconfined is set");
}

TEST_CASE("refuseUnconfined off lets an unconfined container through unchanged") {
  Fixture f;
  f.config.default_profile.clear();
  f.config.policy.refuse_unconfined = false;
  auto r = decide(f.config, container());
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->profile.has_value());
}

TEST_CASE("an allow-all linux.seccomp counts as unconfined") {
  Fixture f;
  f.config.default_profile.clear();
  CHECK_FALSE(decide(f.config, container("{}", "[]", R"({"defaultAction": "SCMP_ACT_ALLOW"})")).ok());
  CHECK(decide(f.config, container("{}", "[]", kBase)).ok());
}

TEST_CASE("the unconfined request is refused under refuseUnconfined") {
  Fixture f;
  auto r = decide(f.config, container(profile_annotation("unconfined")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message == "\"unconfined\" is refused: policy.refuseUnconfined is set");
}

TEST_CASE("the unconfined request needs allowAnnotationLoosen") {
  Fixture f;
  f.config.policy.refuse_unconfined = false;
  auto refused = decide(f.config, container(profile_annotation("unconfined")));
  REQUIRE_FALSE(refused.ok());
  CHECK(first_error(refused.diagnostics).message ==
        "the annotation seccomp-hook.profile asks for \"unconfined\", which loosens the default; "
        "policy.allowAnnotationLoosen is false");
  f.config.policy.allow_annotation_loosen = true;
  auto allowed = decide(f.config, container(profile_annotation("unconfined")));
  REQUIRE(allowed.ok());
  CHECK(allowed.value->selection.unconfined());
  CHECK_FALSE(allowed.value->profile.has_value());
}

TEST_CASE("denySyscalls refuses a profile that allows a listed syscall unconditionally") {
  Fixture f;
  f.config.policy.deny_syscalls = {"ptrace"};
  f.config.policy.allow_annotation_loosen = true;
  auto r = decide(f.config, container(profile_annotation("ptrace")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "profile \"ptrace\" allows \"ptrace\" unconditionally, which policy.denySyscalls forbids");
}

TEST_CASE("denySyscalls refuses a profile that allows a listed syscall conditionally") {
  Fixture f;
  f.config.policy.deny_syscalls = {"ptrace"};
  f.config.policy.allow_annotation_loosen = true;
  auto r = decide(f.config, container(profile_annotation("conditional-ptrace")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "profile \"conditional-ptrace\" allows \"ptrace\" under argument conditions, which policy.denySyscalls forbids");
}

TEST_CASE("denySyscalls refuses a denylist profile that does not name the syscall") {
  Fixture f;
  f.config.policy.deny_syscalls = {"kexec_load"};
  f.config.policy.allow_annotation_loosen = true;
  auto r = decide(f.config, container(profile_annotation("denylist")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "profile \"denylist\" allows \"kexec_load\" unconditionally, which policy.denySyscalls forbids");
}

TEST_CASE("denySyscalls accepts a profile that never allows the listed syscalls") {
  Fixture f;
  f.config.policy.deny_syscalls = {"ptrace", "kexec_load"};
  CHECK(decide(f.config, container()).ok());
}

TEST_CASE("denySyscalls applies to the config's own profile when nothing is selected") {
  Fixture f;
  f.config.default_profile.clear();
  f.config.policy.deny_syscalls = {"ptrace"};
  auto r = decide(f.config, container("{}", "[]", kDenylist));
  CHECK(r.ok());
  auto refused = decide(f.config, container("{}", "[]", kPtrace));
  REQUIRE_FALSE(refused.ok());
  CHECK(first_error(refused.diagnostics).message ==
        "linux.seccomp of config.json allows \"ptrace\" unconditionally, which policy.denySyscalls forbids");
}

TEST_CASE("a request for a stricter profile is accepted without allowAnnotationLoosen") {
  Fixture f;
  auto r = decide(f.config, container(profile_annotation("strict")));
  REQUIRE(r.ok());
  CHECK(r.value->profile->name == "strict");
}

TEST_CASE("a request for a looser profile is refused without allowAnnotationLoosen") {
  Fixture f;
  auto r = decide(f.config, container(profile_annotation("ptrace")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "profile \"ptrace\" is looser than the default profile \"base\": on x86_64, ptrace with any arguments gets "
        "ALLOW where the baseline gives ERRNO(1) EPERM, e.g. ptrace(0, 0, 0, 0, 0, 0)");
}

TEST_CASE("a request for a looser profile is accepted with allowAnnotationLoosen") {
  Fixture f;
  f.config.policy.allow_annotation_loosen = true;
  CHECK(decide(f.config, container(profile_annotation("ptrace"))).ok());
}

TEST_CASE("a request whose conditions allow another argument value is refused with that value") {
  Fixture f;
  auto r = decide(f.config, container(profile_annotation("other-condition")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "profile \"other-condition\" is looser than the default profile \"base\": on x86_64, personality with arg0 "
        "low 32 bits == 8 (high 32 bits any) gets ALLOW where the baseline gives ERRNO(1) EPERM, e.g. "
        "personality(8, 0, 0, 0, 0, 0)");
}

TEST_CASE("a denylist request against an allowlist default is refused") {
  Fixture f;
  auto r = decide(f.config, container(profile_annotation("denylist")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "profile \"denylist\" is looser than the default profile \"base\": on x86_64, open with any arguments gets "
        "ALLOW where the baseline gives ERRNO(1) EPERM, e.g. open(0, 0, 0, 0, 0, 0)");
}

TEST_CASE("a request with no default to compare with is refused without allowAnnotationLoosen") {
  Fixture f;
  f.config.default_profile.clear();
  auto r = decide(f.config, container(profile_annotation("strict")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "the annotation seccomp-hook.profile selects \"strict\", but there is no defaultProfile to prove it no "
        "looser than, and policy.allowAnnotationLoosen is false");
}

TEST_CASE("a profile the validator rejects is not used") {
  Fixture f;
  f.config.policy.allow_annotation_loosen = true;
  auto r = decide(f.config, container(profile_annotation("broken")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).code == Code::UnknownSyscall);
}

TEST_CASE("a missing profile is refused") {
  Fixture f;
  auto r = decide(f.config, container(profile_annotation("nope")));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).code == Code::ProfileNotFound);
}

TEST_CASE("the profile is resolved with the container's bounding set") {
  Fixture f;
  f.dir.write("profiles/caps.json", R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["kill"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_KILL"]}},
    {"names": ["reboot"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_BOOT"]}}]})");
  f.config.default_profile = "caps";
  auto r = decide(f.config, container());
  REQUIRE(r.ok());
  const Profile& flat = r.value->profile->flat;
  REQUIRE(flat.syscalls.size() == 2);
  CHECK(flat.syscalls[1].names == std::vector<std::string>{"kill"});
}

TEST_CASE("enforce accepts the selected profile as written by precreate") {
  Fixture f;
  auto decision = decide(f.config, container());
  REQUIRE(decision.ok());
  CHECK(enforce(f.config, container("{}", "[]", kBase), *decision.value).empty());
  CHECK(enforce(f.config, container("{}", "[]", kStrict), *decision.value).empty());
}

TEST_CASE("enforce refuses a config whose seccomp is looser than the selection") {
  Fixture f;
  auto decision = decide(f.config, container());
  REQUIRE(decision.ok());
  Diagnostics d = enforce(f.config, container("{}", "[]", kPtrace), *decision.value);
  REQUIRE(d.has_errors());
  CHECK(first_error(d).message ==
        "linux.seccomp of config.json is looser than profile \"base\": on x86_64, ptrace with any arguments gets "
        "ALLOW where the baseline gives ERRNO(1) EPERM, e.g. ptrace(0, 0, 0, 0, 0, 0)");
}

TEST_CASE("enforce refuses an unconfined config when a profile is selected") {
  Fixture f;
  auto decision = decide(f.config, container());
  REQUIRE(decision.ok());
  Diagnostics d = enforce(f.config, container(), *decision.value);
  REQUIRE(d.has_errors());
  CHECK(first_error(d).message ==
        "profile \"base\" is selected but the container would run unconfined (config.json has no linux.seccomp "
        "that denies anything)");
}

TEST_CASE("denySyscalls refuses an unconfined container even without refuseUnconfined") {
  Fixture f;
  f.config.default_profile.clear();
  f.config.policy.refuse_unconfined = false;
  f.config.policy.deny_syscalls = {"ptrace"};
  auto own = decide(f.config, container());
  REQUIRE_FALSE(own.ok());
  CHECK(first_error(own.diagnostics).message ==
        "the container is unconfined, so it may call \"ptrace\", which policy.denySyscalls forbids");
  f.config.policy.allow_annotation_loosen = true;
  auto requested = decide(f.config, container(profile_annotation("unconfined")));
  REQUIRE_FALSE(requested.ok());
  CHECK(first_error(requested.diagnostics).message ==
        "\"unconfined\" is refused: it allows \"ptrace\", which policy.denySyscalls forbids");
}
