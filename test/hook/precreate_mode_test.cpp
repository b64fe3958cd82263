#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "hook/hook_fixture.hpp"
#include "scc/base64.hpp"

using namespace scc::test;
using Json = nlohmann::ordered_json;

namespace {

std::string with_annotation(const std::string& config, const std::string& key, const std::string& value) {
  Json root = Json::parse(config);
  root["annotations"][key] = value;
  return root.dump();
}

RunResult precreate(const HookNode& node, const std::string& input, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"precreate", "--config", node.config_arg()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_hook(args, input);
}

}  // namespace

TEST_CASE("precreate writes the default profile into a runc spec config and keeps the rest") {
  HookNode node;
  const std::string input = runc_spec_config();
  RunResult r = precreate(node, input);
  CHECK(r.exit_code == 0);
  Json out = Json::parse(r.out);
  CHECK(out["linux"]["seccomp"]["defaultAction"] == "SCMP_ACT_ERRNO");
  CHECK(out["linux"]["seccomp"]["syscalls"][1]["errnoRet"] == 13);
  out["linux"].erase("seccomp");
  CHECK(out == Json::parse(input));
  CHECK(r.err.starts_with("seccomp-hook: precreate: container ? (hostname runc): profile \"base\" (default): applied: "
                          "linux.seccomp from " + (node.profiles / "base.json").string() + " (sha256 "));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("precreate selects the profile named by the annotation") {
  HookNode node;
  RunResult r = precreate(node, with_annotation(runc_spec_config(), "seccomp-hook.profile", "strict"));
  CHECK(r.exit_code == 0);
  CHECK(Json::parse(r.out)["linux"]["seccomp"]["syscalls"].size() == 1);
  CHECK(r.err.find("profile \"strict\" (annotation): applied") != std::string::npos);
}

TEST_CASE("precreate refuses a missing profile with one line and no output") {
  HookNode node;
  RunResult r = precreate(node, with_annotation(runc_spec_config(), "seccomp-hook.profile", "nope"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "seccomp-hook: precreate: container ? (hostname runc): profile \"nope\" (annotation): refused: "
                 "profile \"nope\" not found (looked at: " + (node.profiles / "nope").string() + ", " +
                 (node.profiles / "nope.json").string() + ") [profile-not-found]\n");
}

TEST_CASE("precreate refuses a traversal name") {
  HookNode node;
  RunResult r = precreate(node, with_annotation(runc_spec_config(), "seccomp-hook.profile", "../../etc/passwd"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "seccomp-hook: precreate: container ? (hostname runc): profile (none): refused: profile name "
                 "\"../../etc/passwd\" is not allowed: it contains \"/\" (only localhost/<path> names may) "
                 "[profile-name-invalid]\n");
}

TEST_CASE("precreate refuses a symlink that escapes the profile directory") {
  HookNode node;
  node.tmp.write("secret.json", kStrictProfile);
  std::filesystem::create_symlink("../secret.json", node.profiles / "escape.json");
  RunResult r = precreate(node, with_annotation(runc_spec_config(), "seccomp-hook.profile", "escape"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("refused: profile \"escape\": " + (node.profiles / "escape.json").string() + " resolves outside " +
                   node.profiles.string() + " (a symlink or mount point leaves the directory) [profile-file-unsafe]\n") !=
        std::string::npos);
}

TEST_CASE("precreate refuses an invalid profile naming it and the problem") {
  HookNode node;
  node.tmp.write("profiles/typo.json",
                 R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["opne"], "action": "SCMP_ACT_ALLOW"}]})");
  RunResult r = precreate(node, with_annotation(runc_spec_config(), "seccomp-hook.profile", "typo"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.starts_with("seccomp-hook: precreate: container ? (hostname runc): profile \"typo\" (annotation): refused: "
                          "unknown syscall \"opne\""));
  CHECK(r.err.find("[unknown-syscall at /syscalls/0/names/0, line 1 column ") != std::string::npos);
}

TEST_CASE("precreate hands the compiled program to crun from the cache and the warm start compiles nothing") {
  HookNode node;
  node.with_cache();
  node.config["crunHandover"] = true;
  node.save();
  const std::string input = runc_spec_config();
  RunResult cold = precreate(node, input, {"--runtime-name", "crun"});
  CHECK(cold.exit_code == 0);
  CHECK(cold.err.find("BPF handed to crun (cache miss, key ") != std::string::npos);
  RunResult warm = precreate(node, input, {"--runtime-name", "crun"});
  CHECK(warm.exit_code == 0);
  CHECK(warm.err.find("BPF handed to crun (cache hit, key ") != std::string::npos);
  CHECK(warm.out == cold.out);
  auto bytes = scc::base64_decode(Json::parse(warm.out)["annotations"]["run.oci.seccomp_bpf_data"].get<std::string>());
  REQUIRE(bytes.has_value());
  CHECK(bytes->size() % 8 == 0);
  RunResult runc = precreate(node, input);
  CHECK_FALSE(Json::parse(runc.out).contains("annotations"));
}

TEST_CASE("precreate with a read-only or missing cache still writes the profile") {
  HookNode node;
  node.config["cacheDir"] = (node.tmp.path() / "missing" / "cache").string();
  node.config["crunHandover"] = true;
  node.save();
  RunResult r = precreate(node, runc_spec_config(), {"--runtime-name", "crun"});
  CHECK(r.exit_code == 0);
  CHECK(Json::parse(r.out)["annotations"].contains("run.oci.seccomp_bpf_data"));
  CHECK(r.err.find("warning: program cache " + (node.tmp.path() / "missing" / "cache").string() +
                   " not used: it is missing and cannot be created (No such file or directory); compiling in memory "
                   "[cache-unusable]") != std::string::npos);
}

TEST_CASE("precreate refuses garbage and empty and oversized stdin") {
  HookNode node;
  RunResult garbage = precreate(node, "\x7f" "ELF garbage");
  CHECK(garbage.exit_code == 1);
  CHECK(garbage.out.empty());
  CHECK(garbage.err.starts_with("seccomp-hook: precreate: container ?: profile (none): refused: config.json: "));
  CHECK(garbage.err.find("[json-syntax at line 1 column 1]") != std::string::npos);
  RunResult empty = precreate(node, "");
  CHECK(empty.exit_code == 1);
  CHECK(empty.err == "seccomp-hook: precreate: container ?: profile (none): refused: config.json: the input is empty "
                     "[input-empty]\n");
  RunResult big = precreate(node, std::string(1024 * 1024 + 1, ' '));
  CHECK(big.exit_code == 1);
  CHECK(big.out.empty());
  CHECK(big.err == "seccomp-hook: precreate: container ?: profile (none): refused: standard input: input is larger "
                   "than the limit of 1048576 bytes [input-too-large]\n");
}

TEST_CASE("precreate refuses when the config file is missing and names it") {
  HookNode node;
  RunResult r = run_hook({"precreate", "--config", (node.tmp.path() / "absent.json").string()}, runc_spec_config());
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "seccomp-hook: precreate: container ? (hostname runc): profile (none): refused: hook config: cannot "
                 "open the hook config " + (node.tmp.path() / "absent.json").string() +
                 ": No such file or directory [input-unreadable]\n");
}

TEST_CASE("precreate logs to the configured file instead of stderr") {
  HookNode node;
  node.config["log"] = (node.tmp.path() / "hook.log").string();
  node.save();
  RunResult ok = precreate(node, runc_spec_config());
  CHECK(ok.exit_code == 0);
  CHECK(ok.err.empty());
  RunResult refused = precreate(node, with_annotation(runc_spec_config(), "seccomp-hook.profile", "nope"));
  CHECK(refused.exit_code == 1);
  const std::string log = read_file(node.tmp.path() / "hook.log");
  CHECK(std::count(log.begin(), log.end(), '\n') == 2);
  CHECK(log.find(" seccomp-hook: precreate: container ? (hostname runc): profile \"base\" (default): applied: ") !=
        std::string::npos);
  CHECK(log.find(refused.err.substr(0, refused.err.size() - 1)) != std::string::npos);
}
