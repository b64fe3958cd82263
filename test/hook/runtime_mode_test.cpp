#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "hook/hook_fixture.hpp"

using namespace scc::test;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

// A node with a bundle holding a runc spec config, and a fake runtime that
// records the argv and the config.json it sees, then exits 7 (so an exit
// status of 7 proves the hook exec'd it).
struct WrapperNode : HookNode {
  fs::path bundle = tmp.path() / "bundle";
  fs::path seen = tmp.path() / "seen";
  fs::path fake = tmp.path() / "fake-runtime";
  std::string original;

  WrapperNode() {
    fs::create_directories(bundle);
    fs::create_directories(seen);
    original = runc_spec_config();
    tmp.write("bundle/config.json", original);
    tmp.write("fake-runtime",
              "#!/bin/sh\n"
              "printf '%s\\n' \"$0\" \"$@\" > \"" + (seen / "argv").string() + "\"\n"
              "cp \"" + (bundle / "config.json").string() + "\" \"" + (seen / "config.json").string() + "\"\n"
              "printf '%s\\n' \"$FAKE_MARK\" > \"" + (seen / "env").string() + "\"\n"
              "exit 7\n");
    fs::permissions(fake, fs::perms::owner_all);
  }

  RunResult wrap(const std::vector<std::string>& runtime_args, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{"env", "FAKE_MARK=kept", SCC_HOOK_BIN, "runtime", "--config", config_arg(),
                                  "--runtime", fake.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("--");
    argv.insert(argv.end(), runtime_args.begin(), runtime_args.end());
    return run_program(argv);
  }

  std::string seen_argv() const { return read_file(seen / "argv"); }
  std::vector<std::string> docker_create() const {
    return {"--root", "/run/docker/runtime-runc/moby", "--log", (tmp.path() / "runc-log.json").string(),
            "--log-format", "json", "create", "--bundle", bundle.string(), "--pid-file",
            (bundle / "init.pid").string(), "ctr-1"};
  }
};

std::string lines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += item + "\n";
  return out;
}

}  // namespace

TEST_CASE("the wrapper rewrites the bundle's config on docker's create then execs with the same arguments") {
  WrapperNode node;
  RunResult r = node.wrap(node.docker_create());
  CHECK(r.exit_code == 7);
  CHECK(r.err.empty());
  std::vector<std::string> expected{node.fake.string()};
  for (const std::string& a : node.docker_create()) expected.push_back(a);
  CHECK(node.seen_argv() == lines(expected));
  Json seen = Json::parse(read_file(node.seen / "config.json"));
  CHECK(seen["linux"]["seccomp"]["syscalls"][1]["errnoRet"] == 13);
  seen["linux"].erase("seccomp");
  CHECK(seen == Json::parse(node.original));
  CHECK(read_file(node.seen / "env") == "kept\n");
  // Written atomically: nothing but config.json is left in the bundle.
  CHECK(std::distance(fs::directory_iterator(node.bundle), fs::directory_iterator()) == 1);
}

TEST_CASE("the wrapper passes other subcommands through without reading any config") {
  WrapperNode node;
  fs::remove(node.config_path);  // would be a refusal if it were read
  const std::vector<std::string> args{"--root", "/r", "state", "ctr-1"};
  RunResult r = node.wrap(args);
  CHECK(r.exit_code == 7);
  CHECK(r.err.empty());
  std::vector<std::string> expected{node.fake.string()};
  expected.insert(expected.end(), args.begin(), args.end());
  CHECK(node.seen_argv() == lines(expected));
  CHECK(read_file(node.bundle / "config.json") == node.original);
}

TEST_CASE("the wrapper refuses a container whose profile is missing and does not run the runtime") {
  WrapperNode node;
  Json config = Json::parse(node.original);
  config["process"]["env"].push_back("SECCOMP_HOOK_PROFILE=nope");
  node.tmp.write("bundle/config.json", config.dump());
  RunResult r = node.wrap(node.docker_create());
  CHECK(r.exit_code == 1);
  CHECK_FALSE(fs::exists(node.seen / "argv"));
  CHECK(read_file(node.bundle / "config.json") == config.dump());
  const std::string line = "seccomp-hook: runtime: container ctr-1: profile \"nope\" (environment): refused: profile "
                           "\"nope\" not found (looked at: " + (node.profiles / "nope").string() + ", " +
                           (node.profiles / "nope.json").string() + ") [profile-not-found]";
  CHECK(r.err == line + "\n");
  Json logged = Json::parse(read_file(node.tmp.path() / "runc-log.json"));
  CHECK(logged["level"] == "error");
  CHECK(logged["msg"] == line);
}

TEST_CASE("the environment channel selects the profile for docker") {
  WrapperNode node;
  Json config = Json::parse(node.original);
  config["process"]["env"].push_back("SECCOMP_HOOK_PROFILE=strict");
  node.tmp.write("bundle/config.json", config.dump());
  RunResult r = node.wrap(node.docker_create());
  CHECK(r.exit_code == 7);
  CHECK(Json::parse(read_file(node.seen / "config.json"))["linux"]["seccomp"]["syscalls"].size() == 1);
}

TEST_CASE("the wrapper hands BPF over to a runtime named crun") {
  WrapperNode node;
  node.with_cache();
  node.config["crunHandover"] = true;
  node.save();
  CHECK(node.wrap(node.docker_create()).exit_code == 7);
  CHECK_FALSE(Json::parse(read_file(node.seen / "config.json")).contains("annotations"));
  node.tmp.write("bundle/config.json", node.original);
  CHECK(node.wrap(node.docker_create(), {"--runtime-name", "crun"}).exit_code == 7);
  CHECK(Json::parse(read_file(node.seen / "config.json"))["annotations"].contains("run.oci.seccomp_bpf_data"));
}

TEST_CASE("the bundle defaults to the working directory") {
  WrapperNode node;
  RunResult r = run_program({"sh", "-c", "cd \"$0\" && exec \"$@\"", node.bundle.string(), SCC_HOOK_BIN, "runtime",
                             "--config", node.config_arg(), "--runtime", node.fake.string(), "--", "create", "ctr-2"});
  CHECK(r.exit_code == 7);
  CHECK(Json::parse(read_file(node.seen / "config.json"))["linux"].contains("seccomp"));
}

TEST_CASE("the wrapper refuses create options it cannot read") {
  WrapperNode node;
  RunResult r = node.wrap({"create", "--bundle", node.bundle.string(), "--weird", "ctr-1"});
  CHECK(r.exit_code == 1);
  CHECK_FALSE(fs::exists(node.seen / "argv"));
  CHECK(r.err == "seccomp-hook: runtime: container ?: profile (none): refused: runtime arguments: unknown or "
                 "ambiguous create option \"--weird\" [bad-value at /3]\n");
}

TEST_CASE("the wrapper refuses a missing bundle") {
  WrapperNode node;
  RunResult r = node.wrap({"create", "--bundle", (node.tmp.path() / "gone").string(), "ctr-1"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "seccomp-hook: runtime: container ctr-1: profile (none): refused: cannot read " +
                     (node.tmp.path() / "gone" / "config.json").string() +
                     ": the bundle: No such file or directory [input-unreadable]\n");
}

TEST_CASE("the wrapper reports a runtime that cannot be executed") {
  WrapperNode node;
  RunResult r = run_hook({"runtime", "--runtime", (node.tmp.path() / "no-runtime").string(), "--", "state", "x"});
  CHECK(r.exit_code == 127);
  CHECK(r.err == "seccomp-hook: runtime: container ?: profile (none): refused: cannot execute the runtime " +
                     (node.tmp.path() / "no-runtime").string() + ": No such file or directory\n");
}
