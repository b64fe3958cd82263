#include <doctest/doctest.h>

#include <ctime>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hook/hook_fixture.hpp"

using namespace scc::test;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

struct EnforceNode : HookNode {
  fs::path bundle = tmp.path() / "bundle";

  EnforceNode() { fs::create_directories(bundle); }

  // The bundle's config.json: a runc spec config passed through precreate.
  Json prepared(const std::vector<std::string>& precreate_args = {}) {
    std::vector<std::string> args{"precreate", "--config", config_arg()};
    args.insert(args.end(), precreate_args.begin(), precreate_args.end());
    RunResult r = run_hook(args, runc_spec_config());
    REQUIRE(r.exit_code == 0);
    return Json::parse(r.out);
  }
  void install(const Json& bundle_config) const { tmp.write("bundle/config.json", bundle_config.dump()); }
  std::string state(const std::string& id = "c1") const {
    return Json{{"ociVersion", "1.0.2-dev"}, {"id", id}, {"status", "creating"}, {"pid", 4242},
                {"bundle", bundle.string()}}
        .dump();
  }
  RunResult enforce(const std::string& stdin_text, const std::string& stage = "createRuntime") const {
    return run_hook({stage, "--config", config_arg()}, stdin_text);
  }
};

}  // namespace

TEST_CASE("createRuntime allows a container whose config carries the selected profile") {
  EnforceNode node;
  node.install(node.prepared());
  RunResult r = node.enforce(node.state());
  CHECK(r.exit_code == 0);
  CHECK(r.err.starts_with("seccomp-hook: createRuntime: container c1: profile \"base\" (default): allowed: "
                          "linux.seccomp satisfies the policy (cache uncached, key "));
}

TEST_CASE("prestart is the same check under its old name") {
  EnforceNode node;
  node.install(node.prepared());
  RunResult r = node.enforce(node.state(), "prestart");
  CHECK(r.exit_code == 0);
  CHECK(r.err.starts_with("seccomp-hook: prestart: container c1: profile \"base\" (default): allowed: "));
}

TEST_CASE("createRuntime refuses an unconfined container when a profile is selected") {
  EnforceNode node;
  node.install(Json::parse(runc_spec_config()));
  RunResult r = node.enforce(node.state());
  CHECK(r.exit_code == 1);
  CHECK(r.err == "seccomp-hook: createRuntime: container c1: profile \"base\" (default): refused: profile \"base\" is "
                 "selected but the container would run unconfined (config.json has no linux.seccomp that denies "
                 "anything) [policy-violation]\n");
}

TEST_CASE("createRuntime refuses an unconfined container under refuseUnconfined with no default") {
  EnforceNode node;
  node.config.erase("defaultProfile");
  node.save();
  node.install(Json::parse(runc_spec_config()));
  RunResult r = node.enforce(node.state());
  CHECK(r.exit_code == 1);
  CHECK(r.err == "seccomp-hook: createRuntime: container c1: profile (none): refused: the container is unconfined "
                 "(config.json has no linux.seccomp that denies anything) and policy.refuseUnconfined is set "
                 "[policy-violation]\n");
}

TEST_CASE("createRuntime refuses a config whose profile is looser than the selection") {
  EnforceNode node;
  Json config = node.prepared();
  config["annotations"]["seccomp-hook.profile"] = "strict";
  node.install(config);  // still carries base, which allows personality
  RunResult r = node.enforce(node.state());
  CHECK(r.exit_code == 1);
  CHECK(r.err == "seccomp-hook: createRuntime: container c1: profile \"strict\" (annotation): refused: linux.seccomp "
                 "of config.json is looser than profile \"strict\": on x86_64, personality with any arguments gets "
                 "ALLOW where the baseline gives ERRNO(1) EPERM, e.g. personality(0, 0, 0, 0, 0, 0) "
                 "[policy-violation]\n");
}

TEST_CASE("createRuntime checks crun's hand-over annotation against linux.seccomp") {
  EnforceNode node;
  node.config["crunHandover"] = true;
  node.save();
  Json config = node.prepared({"--runtime-name", "crun"});
  node.install(config);
  CHECK(node.enforce(node.state()).exit_code == 0);
  config["annotations"]["run.oci.seccomp_bpf_data"] = "BgAAAAAA/38=";  // ret ALLOW
  node.install(config);
  RunResult r = node.enforce(node.state());
  CHECK(r.exit_code == 1);
  CHECK(r.err == "seccomp-hook: createRuntime: container c1: profile \"base\" (default): refused: "
                 "run.oci.seccomp_bpf_data is not the program compiled from linux.seccomp: crun would enforce "
                 "something the profile does not say [policy-violation at /annotations/run.oci.seccomp_bpf_data]\n");
}

TEST_CASE("createRuntime refuses bad states") {
  EnforceNode node;
  node.install(node.prepared());
  CHECK(node.enforce(node.state("a/b")).err ==
        "seccomp-hook: createRuntime: container ?: profile (none): refused: state: id \"a/b\" contains \"/\" "
        "[bad-value at /id, line 1 column 32]\n");
  Json relative = Json::parse(node.state());
  relative["bundle"] = "bundle";
  RunResult r = node.enforce(relative.dump());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("refused: state: bundle \"bundle\" is not an absolute path [bad-value at /bundle") != std::string::npos);
  CHECK(node.enforce("").err == "seccomp-hook: createRuntime: container ?: profile (none): refused: state: the input "
                                "is empty [input-empty]\n");
  CHECK(node.enforce("{\"id\": ").exit_code == 1);
}

TEST_CASE("createRuntime refuses a missing bundle and a missing or symlinked config.json") {
  EnforceNode node;
  RunResult missing_config = node.enforce(node.state());
  CHECK(missing_config.exit_code == 1);
  CHECK(missing_config.err == "seccomp-hook: createRuntime: container c1: profile (none): refused: cannot read " +
                                  (node.bundle / "config.json").string() + ": No such file or directory [input-unreadable]\n");
  node.tmp.write("elsewhere.json", node.prepared().dump());
  fs::create_symlink(node.tmp.path() / "elsewhere.json", node.bundle / "config.json");
  CHECK(node.enforce(node.state()).err.find(": Too many levels of symbolic links [input-unreadable]") != std::string::npos);
  fs::remove_all(node.bundle);
  CHECK(node.enforce(node.state()).err.find(": the bundle: No such file or directory [input-unreadable]") !=
        std::string::npos);
}

namespace {

std::string utc_day() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &utc);
  return buf;
}

}  // namespace

TEST_CASE("a replayed decision logs its profile's warnings as one summary line") {
  EnforceNode node;
  node.tmp.write("profiles/warned.json", R"({"defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [{"names": ["read", "write", "exit_group", "ptrace", "process_vm_writev"], "action": "SCMP_ACT_ALLOW"}]})");
  node.config["defaultProfile"] = "warned";
  node.config["log"] = (node.tmp.path() / "hook.log").string();
  node.with_cache();
  node.install(node.prepared());
  const std::string prefix = "seccomp-hook: createRuntime: container c1: profile \"warned\" (default): ";
  // The file's lines of createRuntime, without their time stamp and pid.
  auto logged = [&] {
    std::vector<std::string> lines;
    std::istringstream in(read_file(node.tmp.path() / "hook.log"));
    for (std::string line; std::getline(in, line);)
      if (auto at = line.find(prefix); at != std::string::npos) lines.push_back(line.substr(at + prefix.size()));
    return lines;
  };
  const std::string day_before = utc_day();
  REQUIRE(node.enforce(node.state()).exit_code == 0);
  const std::string day_after = utc_day();
  // Each line starts with its UTC time to the millisecond and the pid.
  const std::string text = read_file(node.tmp.path() / "hook.log");
  CHECK(std::regex_search(text, std::regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z pid=[0-9]+ seccomp-hook: ")));
  const std::string day = text.substr(0, 10);
  CHECK((day == day_before || day == day_after));
  const std::vector<std::string> first = logged();
  REQUIRE(first.size() == 3);
  CHECK(first[0].starts_with("warning: allowing \"ptrace\" lets a process read and write the memory of others"));
  CHECK(first[1].starts_with("warning: allowing \"process_vm_writev\" writes the memory of other processes"));
  CHECK(first[2].starts_with("allowed: linux.seccomp satisfies the policy (cache "));
  RunResult again = node.enforce(node.state());
  CHECK(again.exit_code == 0);
  CHECK(again.err.empty());
  const std::vector<std::string> all = logged();
  REQUIRE(all.size() == 5);
  CHECK(all[3] == "2 warnings about the profile (seccomp-convert check lists them), first: " + first[0]);
  CHECK(all[4].ends_with("; decision cached"));
}
