#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "scc/arch.hpp"
#include "scc/base64.hpp"
#include "scc/config_rewrite.hpp"
#include "scc/oci_json.hpp"
#include "support/support.hpp"

using namespace scc;
using Json = nlohmann::ordered_json;

namespace {

constexpr const char* kBase = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
  "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})";

struct Fixture {
  test::TempDir dir;
  HookConfig config;
  int compiles = 0;
  RewriteOptions options;
  Fixture() {
    dir.write("profiles/base.json", kBase);
    config.profile_dirs = {dir.path() / "profiles"};
    config.default_profile = "base";
    options.tool_version = "test";
    options.compile_function = [this](const Profile& p, const CompileOptions& o) {
      ++compiles;
      return compile(p, o);
    };
  }
  void with_cache() {
    std::filesystem::create_directory(dir.path() / "cache");
    std::filesystem::permissions(dir.path() / "cache", std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    config.cache_dir = dir.path() / "cache";
  }
};

Json parse(const std::string& text) { return Json::parse(text); }

std::string with_annotations(const std::string& config, const Json& annotations) {
  Json root = parse(config);
  root["annotations"] = annotations;
  return root.dump(1, '\t');
}

Diagnostic first_error(const Diagnostics& d) {
  for (const Diagnostic& item : d)
    if (item.severity == Severity::Error) return item;
  FAIL("no error");
  return d.items().front();
}

}  // namespace

TEST_CASE("a runc spec config keeps every other member in order and gets the flat profile") {
  Fixture f;
  const std::string input = test::runc_spec_config();
  auto r = rewrite_config(input, f.config, f.options);
  REQUIRE(r.ok());
  CHECK(r.value->changed);
  Json out = parse(r.value->config_json);
  Json in = parse(input);
  CHECK(out["linux"]["seccomp"] == to_oci_json(r.value->decision.profile->flat));
  CHECK(out["linux"]["seccomp"]["syscalls"][1]["errnoRet"] == 13);
  out["linux"].erase("seccomp");
  CHECK(out == in);  // ordered: the same members in the same order
  CHECK(f.compiles == 0);  // runc compiles linux.seccomp itself
}

TEST_CASE("unicode and 64-bit and negative numbers survive the rewrite exactly") {
  Fixture f;
  const std::string input = R"({"ociVersion": "1.0.2", "annotations": {"note": "caf\u00e9 \ud83d\ude00 ü"},
    "process": {"oomScoreAdj": -1000, "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 9223372036854775807}]},
    "linux": {"resources": {"cpu": {"quota": -1}}}})";
  auto r = rewrite_config(input, f.config, f.options);
  REQUIRE(r.ok());
  Json out = parse(r.value->config_json);
  CHECK(out["annotations"]["note"] == "café \xF0\x9F\x98\x80 ü");
  CHECK(out["process"]["oomScoreAdj"] == -1000);
  CHECK(out["process"]["rlimits"][0]["hard"].get<std::uint64_t>() == 18446744073709551615ULL);
  CHECK(out["process"]["rlimits"][0]["soft"].get<std::int64_t>() == 9223372036854775807LL);
  CHECK(r.value->config_json.find("18446744073709551615") != std::string::npos);
  CHECK(out["linux"]["resources"]["cpu"]["quota"] == -1);
}

TEST_CASE("an integer that does not fit 64 bits is refused rather than changed") {
  Fixture f;
  auto r = rewrite_config(R"({"ociVersion": "1", "process": {"oomScoreAdj": 100000000000000000000}})", f.config, f.options);
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).pointer == "/process/oomScoreAdj");
  CHECK(first_error(r.diagnostics).message ==
        "integer 100000000000000000000 does not fit 64 bits; it cannot be kept exactly");
}

TEST_CASE("with nothing selected the config is returned byte for byte") {
  Fixture f;
  f.config.default_profile.clear();
  const std::string input = "{\"ociVersion\":\"1\",  \"linux\": {\"seccomp\": " + std::string(kBase) + "}}\n";
  auto r = rewrite_config(input, f.config, f.options);
  REQUIRE(r.ok());
  CHECK_FALSE(r.value->changed);
  CHECK(r.value->config_json == input);
}

TEST_CASE("an allowed unconfined request removes linux.seccomp") {
  Fixture f;
  f.config.policy.refuse_unconfined = false;
  f.config.policy.allow_annotation_loosen = true;
  const std::string input = R"({"ociVersion":"1","annotations":{"seccomp-hook.profile":"unconfined"},"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO"},"maskedPaths":[]}})";
  auto r = rewrite_config(input, f.config, f.options);
  REQUIRE(r.ok());
  CHECK(parse(r.value->config_json)["linux"] == Json::parse(R"({"maskedPaths":[]})"));
}

TEST_CASE("crun hand-over adds the program from the cache and a warm start compiles nothing") {
  Fixture f;
  f.with_cache();
  f.config.crun_handover = true;
  f.options.runtime_is_crun = true;
  const std::string input = test::runc_spec_config();
  auto cold = rewrite_config(input, f.config, f.options);
  REQUIRE(cold.ok());
  REQUIRE(cold.value->handover.has_value());
  CHECK(cold.value->handover->outcome == CacheOutcome::Miss);
  CHECK(f.compiles == 1);
  Json out = parse(cold.value->config_json);
  auto bytes = base64_decode(out["annotations"]["run.oci.seccomp_bpf_data"].get<std::string>());
  REQUIRE(bytes.has_value());
  auto expected = compile(cold.value->decision.profile->flat);
  CHECK(*bytes == expected.value->program.to_bytes());

  auto warm = rewrite_config(input, f.config, f.options);
  REQUIRE(warm.ok());
  CHECK(warm.value->handover->outcome == CacheOutcome::Hit);
  CHECK(f.compiles == 1);
  CHECK(warm.value->config_json == cold.value->config_json);
}

TEST_CASE("no hand-over unless the runtime is crun and the switch is on") {
  Fixture f;
  f.config.crun_handover = true;
  auto not_crun = rewrite_config(test::runc_spec_config(), f.config, f.options);
  REQUIRE(not_crun.ok());
  CHECK_FALSE(not_crun.value->handover.has_value());
  CHECK_FALSE(parse(not_crun.value->config_json).contains("annotations"));
  f.config.crun_handover = false;
  f.options.runtime_is_crun = true;
  auto switched_off = rewrite_config(test::runc_spec_config(), f.config, f.options);
  REQUIRE(switched_off.ok());
  CHECK_FALSE(switched_off.value->handover.has_value());
}

TEST_CASE("a caller's run.oci.seccomp_bpf_data is refused") {
  Fixture f;
  const std::string input = with_annotations(test::runc_spec_config(), {{"run.oci.seccomp_bpf_data", "AAAA"}});
  auto r = rewrite_config(input, f.config, f.options);
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r.diagnostics).message ==
        "annotation \"run.oci.seccomp_bpf_data\" is set by the caller; it would make crun load raw BPF instead of "
        "the profile, so it is refused");
}

TEST_CASE("a caller's crun seccomp receiver is refused but fail_unknown_syscall is allowed") {
  Fixture f;
  auto receiver = rewrite_config(with_annotations(test::runc_spec_config(), {{"run.oci.seccomp.receiver", "/s"}}),
                                 f.config, f.options);
  REQUIRE_FALSE(receiver.ok());
  CHECK(first_error(receiver.diagnostics).message ==
        "annotation \"run.oci.seccomp.receiver\" is set by the caller; it would make crun hand seccomp decisions "
        "to another program, so it is refused");
  CHECK(rewrite_config(with_annotations(test::runc_spec_config(), {{"run.oci.seccomp_fail_unknown_syscall", "1"}}),
                       f.config, f.options)
            .ok());
}

TEST_CASE("rewriting a rewritten config changes nothing more") {
  Fixture f;
  f.config.crun_handover = true;
  f.options.runtime_is_crun = true;
  auto once = rewrite_config(test::runc_spec_config(), f.config, f.options);
  REQUIRE(once.ok());
  auto twice = rewrite_config(once.value->config_json, f.config, f.options);
  REQUIRE(twice.ok());
  CHECK(twice.value->config_json == once.value->config_json);
}

TEST_CASE("a policy refusal produces no output") {
  Fixture f;
  f.config.policy.deny_syscalls = {"write"};
  auto r = rewrite_config(test::runc_spec_config(), f.config, f.options);
  CHECK_FALSE(r.value.has_value());
  CHECK(first_error(r.diagnostics).message ==
        "profile \"base\" allows \"write\" unconditionally, which policy.denySyscalls forbids");
}

TEST_CASE("garbage config.json is refused") {
  Fixture f;
  CHECK(first_error(rewrite_config("not json", f.config, f.options).diagnostics).code == Code::JsonSyntax);
  CHECK(first_error(rewrite_config(R"({"process": {"env": "A=1"}})", f.config, f.options).diagnostics).pointer ==
        "/process/env");
  CHECK(first_error(rewrite_config(R"({"annotations": {"a": 1}})", f.config, f.options).diagnostics).pointer ==
        "/annotations/a");
  CHECK(first_error(rewrite_config(R"({"process": {"capabilities": {"bounding": ["CAP_NOPE"]}}})", f.config, f.options)
                        .diagnostics)
            .code == Code::UnknownCapability);
}

// Profiles are resolved for the native arch (and its compat sub-arches), whatever
// the incoming config.json names: the kernel checks each syscall against the
// arch of the entry point the task used, and a container on this kernel can
// only use the native ones (a foreign image runs under an emulator, which
// makes native syscalls). docs/hook.md, "Target arch".
TEST_CASE("the written profile covers the native arches even when config.json names another") {
  if (native_arch() != Arch::X86_64) return;  // the arch names below are x86_64's
  Fixture f;
  f.dir.write("profiles/base.json", R"({"defaultAction": "SCMP_ACT_ERRNO",
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
    "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]})");
  Json input = parse(test::runc_spec_config());
  input["linux"]["seccomp"] = Json::parse(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]})");
  auto r = rewrite_config(input.dump(), f.config, f.options);
  REQUIRE(r.ok());
  Json out = parse(r.value->config_json);
  CHECK(out["linux"]["seccomp"]["architectures"] == Json::parse(R"(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])"));
}

TEST_CASE("the written profile is width-exact for libseccomp and the hand-over program is compiled from it") {
  Fixture f;
  f.dir.write("profiles/base.json", R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
     "args": [{"index": 1, "value": 21522, "op": "SCMP_CMP_EQ"}]}]})");
  f.config.crun_handover = true;
  f.options.runtime_is_crun = true;
  auto r = rewrite_config(test::runc_spec_config(), f.config, f.options);
  REQUIRE(r.ok());
  Json out = parse(r.value->config_json);
  // TIOCSTI: libseccomp compares all 64 bits, so EQ 0x5412 would let 0x100005412 through.
  CHECK(out["linux"]["seccomp"]["syscalls"][0]["args"] ==
        Json::parse(R"([{"index": 1, "value": 4294967295, "valueTwo": 21522, "op": "SCMP_CMP_MASKED_EQ"}])"));
  REQUIRE(r.value->handover.has_value());
  auto container = parse_container_config(r.value->config_json);
  REQUIRE(container.ok());
  auto expected = expected_program(*container.value, f.config, f.options);
  REQUIRE(expected.ok());
  REQUIRE(expected.value->has_value());
  CHECK((*expected.value)->program.to_bytes() == r.value->handover->program.to_bytes());
}
