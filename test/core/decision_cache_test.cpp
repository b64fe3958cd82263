#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "scc/config_rewrite.hpp"
#include "scc/decision_cache.hpp"
#include "support/support.hpp"

using namespace scc;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kBase = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
  "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})";
// Stricter than base: mkdir is not allowed either way, no more is allowed.
constexpr const char* kTight = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
  "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]})";

struct Fixture {
  test::TempDir dir;
  HookConfig config;
  RewriteOptions options;
  Fixture() {
    dir.write("profiles/base.json", kBase);
    dir.write("profiles/tight.json", kTight);
    config.profile_dirs = {dir.path() / "profiles"};
    config.default_profile = "base";
    config.crun_handover = true;
    fs::create_directory(dir.path() / "cache");
    fs::permissions(dir.path() / "cache", fs::perms::owner_all, fs::perm_options::replace);
    config.cache_dir = dir.path() / "cache";
    options.tool_version = "test";
  }
  std::optional<std::string> key(const std::string& text, DecisionPurpose purpose = DecisionPurpose::Rewrite,
                                 bool crun = false) const {
    Result<ContainerConfig> c = parse_container_config(text, SeccompReading::ShapeOnly);
    REQUIRE(c.ok());
    return decision_cache_key(purpose, config, *c.value, crun, "test");
  }
};

std::string with(const std::string& config, const std::string& pointer, const Json& value) {
  Json root = Json::parse(config);
  root[Json::json_pointer(pointer)] = value;
  return root.dump(1, '\t');
}

}  // namespace

TEST_CASE("decision key: the same inputs give the same key - every input that decides changes it") {
  Fixture f;
  const std::string spec = test::runc_spec_config();
  const auto base = f.key(spec);
  REQUIRE(base);
  CHECK(base->size() == 64);
  CHECK(f.key(spec) == base);
  // Members the decision does not read leave it alone.
  CHECK(f.key(with(spec, "/hostname", "other")) == base);
  CHECK(f.key(with(spec, "/annotations/unrelated", "x")) == base);
  // Each of these changes it.
  CHECK(f.key(spec, DecisionPurpose::Enforce) != base);
  CHECK(f.key(spec, DecisionPurpose::Attest) != base);
  CHECK(f.key(spec, DecisionPurpose::Attest) != f.key(spec, DecisionPurpose::Enforce));
  CHECK(f.key(spec, DecisionPurpose::Rewrite, true) != base);
  CHECK(f.key(with(spec, "/process/capabilities/bounding", Json::array({"CAP_SYS_ADMIN"}))) != base);
  CHECK(f.key(with(spec, "/annotations/seccomp-hook.profile", "tight")) != base);
  CHECK(f.key(with(spec, "/annotations/run.oci.seccomp_fail_unknown_syscall", "1")) != base);
  CHECK(f.key(with(spec, "/linux/seccomp", Json::parse(kTight))) != base);
  // linux.seccomp as written: another spacing is another key (a miss, never a wrong hit).
  const std::string own = with(spec, "/linux/seccomp", Json::parse(kTight));
  const std::string respaced = Json::parse(own).dump();
  CHECK(f.key(respaced) != f.key(own));
  CHECK(f.key(respaced) == f.key(Json::parse(own).dump()));
  Fixture other;  // another profile directory
  CHECK(other.key(spec) != base);
  f.config.policy.deny_syscalls = {"mkdir"};
  CHECK(f.key(spec) != base);
  f.config.policy.deny_syscalls = {};
  REQUIRE(f.key(spec) == base);
  // The profile's bytes, not its name or time.
  f.dir.write("profiles/base.json", std::string(kBase) + " ");
  CHECK(f.key(spec) != base);
  f.dir.write("profiles/base.json", kBase);
  CHECK(f.key(spec) == base);
  // A request that must be proven against the default reads both files.
  const std::string tight = with(spec, "/annotations/seccomp-hook.profile", "tight");
  const auto requested = f.key(tight);
  f.dir.write("profiles/base.json", std::string(kBase) + "\n");
  CHECK(f.key(tight) != requested);
  // A new file earlier in the search order is another profile.
  fs::create_directory(f.dir.path() / "first");
  f.config.profile_dirs.insert(f.config.profile_dirs.begin(), f.dir.path() / "first");
  const auto before = f.key(spec);
  REQUIRE(before);
  f.dir.write("first/base", kBase);  // the same bytes, another file
  CHECK(f.key(spec) != before);
}

TEST_CASE("attestation key: the decision key and every live instruction in order") {
  const bpf::Program allow{std::vector<sock_filter>{{0x06, 0, 0, 0x7fff0000}}};
  const bpf::Program deny{std::vector<sock_filter>{{0x06, 0, 0, 0x00050001}}};
  const std::string key(64, 'a');
  const std::string one = attestation_key(key, std::vector<bpf::Program>{allow});
  CHECK(one.size() == 64);
  CHECK(attestation_key(key, std::vector<bpf::Program>{allow}) == one);
  CHECK(attestation_key(std::string(64, 'b'), std::vector<bpf::Program>{allow}) != one);
  CHECK(attestation_key(key, std::vector<bpf::Program>{deny}) != one);
  CHECK(attestation_key(key, std::vector<bpf::Program>{allow, deny}) !=
        attestation_key(key, std::vector<bpf::Program>{deny, allow}));
  CHECK(attestation_key(key, std::vector<bpf::Program>{}) != one);
}

TEST_CASE("decision key: none without a cache dir - a missing profile - or a bad selection") {
  Fixture f;
  const std::string spec = test::runc_spec_config();
  CHECK(f.key(with(spec, "/annotations/seccomp-hook.profile", "missing")) == std::nullopt);
  CHECK(f.key(with(spec, "/annotations/seccomp-hook.profile", "../base")) == std::nullopt);
  f.config.cache_dir.reset();
  CHECK(f.key(spec) == std::nullopt);
}

TEST_CASE("decision entries round-trip - a changed byte or another key is rejected") {
  CachedDecision d;
  d.seccomp = CachedDecision::Seccomp::Replace;
  d.seccomp_json = R"({"defaultAction":"SCMP_ACT_ALLOW"})";
  d.handover = "AAAA";
  d.log_line = "applied: something";
  d.warnings.warning(Code::UnknownSyscall, "/syscalls/0/names/1", "a warning", "a hint");
  d.warnings.items().back().line = 3;
  d.warnings.items().back().column = 7;
  const std::string key(64, 'a');
  const std::string bytes = encode_decision(key, d);
  CHECK(bytes.starts_with("SCCDEC01"));
  auto back = decode_decision(key, bytes);
  REQUIRE(back.ok());
  CHECK(back.value->seccomp == CachedDecision::Seccomp::Replace);
  CHECK(back.value->seccomp_json == d.seccomp_json);
  CHECK(back.value->handover == std::optional<std::string>("AAAA"));
  CHECK(back.value->log_line == d.log_line);
  REQUIRE(back.value->warnings.size() == 1);
  const Diagnostic& w = back.value->warnings.items().front();
  CHECK((w.severity == Severity::Warning && w.code == Code::UnknownSyscall && w.pointer == "/syscalls/0/names/1" &&
         w.message == "a warning" && w.hint == "a hint" && w.line == 3 && w.column == 7));

  std::string changed = bytes;
  changed[changed.size() - 3] ^= 1;
  auto bad = decode_decision(key, changed);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.diagnostics.items().front().message == "does not match its checksum (changed, or copied from another key)");
  CHECK_FALSE(decode_decision(std::string(64, 'b'), bytes).ok());
  CHECK(decode_decision(key, bytes.substr(0, 20)).diagnostics.items().front().message ==
        "does not start with SCCDEC01 and a checksum");
}

TEST_CASE("a stored decision is loaded back - a tampered entry is a warning and counts as none") {
  Fixture f;
  CachedDecision d;
  d.log_line = "allowed";
  const std::string key(64, 'c');
  Diagnostics problems;
  CHECK(load_decision(f.config, key, problems) == std::nullopt);
  store_decision(f.config, key, d);
  auto loaded = load_decision(f.config, key, problems);
  REQUIRE(loaded);
  CHECK(loaded->log_line == "allowed");
  CHECK(problems.empty());
  const fs::path entry = *f.config.cache_dir / (key + ".decision");
  std::string bytes = test::read_file(entry);
  bytes.back() ^= 1;
  f.dir.write("cache/" + key + ".decision", bytes);
  CHECK(load_decision(f.config, key, problems) == std::nullopt);
  REQUIRE(problems.size() == 1);
  CHECK(problems.items().front().code == Code::CacheEntryInvalid);
  CHECK(problems.items().front().message == "cache entry " + key +
                                                ".decision does not match its checksum (changed, or copied from "
                                                "another key); deciding anew");
}

TEST_CASE("a replayed rewrite is byte for byte what rewrite_config writes") {
  Fixture f;
  const std::string spec = test::runc_spec_config();
  struct Case {
    std::string name;
    std::string config;
    bool crun;
  };
  const std::string no_linux = [&] {
    Json root = Json::parse(spec);
    root.erase("linux");
    return root.dump(2);
  }();
  f.config.policy.refuse_unconfined = false;
  f.config.policy.allow_annotation_loosen = true;
  for (const Case& c : {Case{"runc spec, runc", spec, false}, Case{"runc spec, crun hand-over", spec, true},
                        Case{"no linux member, crun", no_linux, true},
                        Case{"tight by annotation", with(spec, "/annotations/seccomp-hook.profile", "tight"), true},
                        Case{"unconfined", with(spec, "/annotations/seccomp-hook.profile", "unconfined"), false},
                        Case{"unconfined, already none", with(no_linux, "/annotations/seccomp-hook.profile", "unconfined"), false}}) {
    CAPTURE(c.name);
    RewriteOptions options = f.options;
    options.runtime_is_crun = c.crun;
    auto slow = rewrite_config(c.config, f.config, options);
    REQUIRE(slow.ok());
    Result<ContainerConfig> light = parse_container_config(c.config, SeccompReading::ShapeOnly);
    REQUIRE(light.ok());
    const auto replayed = apply_decision(*light.value, c.config, rewrite_decision(*slow.value));
    REQUIRE(replayed);
    CHECK(*replayed == slow.value->config_json);
  }
  // Nothing selected: the text is kept byte for byte.
  f.config.default_profile.clear();
  const std::string own = with(spec, "/linux/seccomp", Json::parse(kBase));
  auto slow = rewrite_config(own, f.config, f.options);
  REQUIRE(slow.ok());
  CHECK_FALSE(slow.value->changed);
  Result<ContainerConfig> light = parse_container_config(own, SeccompReading::ShapeOnly);
  REQUIRE(light.ok());
  CHECK(apply_decision(*light.value, own, rewrite_decision(*slow.value)) == std::optional<std::string>(own));
  // A kept linux.seccomp that must be printed again (here: with an added
  // annotation) comes out as from the whole document, although ShapeOnly
  // built none of it.
  CachedDecision kept;
  kept.handover = "AAAA";
  Result<ContainerConfig> whole = parse_container_config(own);
  REQUIRE(whole.ok());
  const auto from_whole = apply_decision(*whole.value, own, kept);
  REQUIRE(from_whole);
  CHECK(apply_decision(*light.value, own, kept) == from_whole);
  CHECK(Json::parse(*from_whole)["linux"]["seccomp"] == Json::parse(kBase));
  CHECK(Json::parse(*from_whole)["annotations"]["run.oci.seccomp_bpf_data"] == "AAAA");
}
