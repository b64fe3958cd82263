// seccomp-hook record and poststop as processes: a live "container" (a
// child waiting like a runtime's init) is recorded from its exec on, the
// profile lands in recordDir, poststop reports it; refusals are exact.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "hook/hook_fixture.hpp"
#include "support/live_process.hpp"

using namespace scc::test;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

struct RecordNode : HookNode {
  fs::path record_dir = tmp.path() / "recorded";
  RecordNode() {
    fs::create_directories(record_dir);
    ::chmod(record_dir.c_str(), 0755);
    config["recordDir"] = record_dir.string();
    save();
  }
  static std::string state(pid_t pid, const std::string& name) {
    Json s{{"ociVersion", "1.0.2"}, {"id", "c1"}, {"status", "creating"}, {"bundle", "/nonexistent"}};
    if (pid > 0) s["pid"] = pid;
    if (!name.empty()) s["annotations"] = Json{{"seccomp-hook.record", name}};
    return s.dump();
  }
  RunResult run(const std::string& mode, pid_t pid, const std::string& name) const {
    return run_hook({mode, "--config", config_arg()}, state(pid, name));
  }
};

std::string busybox() {
  for (const char* candidate : {"/usr/bin/busybox", "/bin/busybox"})
    if (::access(candidate, X_OK) == 0) return candidate;
  skip("busybox is not installed");
}

}  // namespace

TEST_CASE("record seizes a waiting process and poststop finds its profile written") {
  skip_unless_live_seccomp();
  RecordNode node;
  const std::string bb = busybox();
  int go[2];
  REQUIRE(::pipe(go) == 0);
  // The "init": waits like a runtime's init, then execs the workload.
  ChildProcess init([&](const ChildProcess::Ready& ready) {
    ::close(go[1]);
    ready();
    char byte;
    if (::read(go[0], &byte, 1) != 1) return 100;
    ::execl(bb.c_str(), "busybox", "sh", "-c", (bb + " uname >/dev/null").c_str(), nullptr);
    return 101;
  });
  ::close(go[0]);
  RunResult started = node.run("record", init.pid(), "t1");
  CHECK(started.exit_code == 0);
  CHECK(started.err == "seccomp-hook: record: container c1: profile (none): recording process " +
                           std::to_string(init.pid()) + " into " + (node.record_dir / "t1.json").string() + "\n");
  const std::string tracer = process_status_field(init.pid(), "TracerPid");
  REQUIRE(tracer != "0");
  // The recorder holds none of the runtime's descriptors: /dev/null on 0-2
  // and its lock file, nothing else.
  std::set<std::string> targets;
  for (const auto& fd : fs::directory_iterator("/proc/" + tracer + "/fd")) {
    const std::string number = fd.path().filename().string();
    targets.insert((number.size() == 1 && number[0] < '3' ? number : "N") + " " + fs::read_symlink(fd.path()).string());
  }
  CHECK(targets == std::set<std::string>{"0 /dev/null", "1 /dev/null", "2 /dev/null",
                                         "N " + (node.record_dir / ".c1.recording").string()});
  CHECK(process_status_field(std::stoi(tracer), "PPid") != std::to_string(::getpid()));
  CHECK(fs::exists(node.record_dir / ".c1.recording"));
  // A second recorder of the same container is refused while this one runs.
  RunResult again = node.run("record", init.pid(), "t1");
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("(a recorder of this container is running)") != std::string::npos);

  REQUIRE(::write(go[1], "x", 1) == 1);
  ::close(go[1]);
  const int status = init.wait();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  RunResult finished = node.run("poststop", 0, "t1");
  CHECK(finished.exit_code == 0);
  CHECK(finished.err == "seccomp-hook: poststop: container c1: profile (none): recording written to " +
                            (node.record_dir / "t1.json").string() + "\n");
  CHECK_FALSE(fs::exists(node.record_dir / ".c1.recording"));
  const Json profile = Json::parse(read_file(node.record_dir / "t1.json"));
  CHECK(profile["defaultAction"] == "SCMP_ACT_ERRNO");
  bool has_uname = false, has_pipe2_before_exec = false;
  for (const Json& rule : profile["syscalls"])
    for (const Json& name : rule["names"]) {
      has_uname = has_uname || name == "uname";
      has_pipe2_before_exec = has_pipe2_before_exec || name == "pipe2";
    }
  CHECK(has_uname);
  CHECK_FALSE(has_pipe2_before_exec);
}

TEST_CASE("record and poststop without the annotation do nothing") {
  RecordNode node;
  RunResult r = node.run("record", ::getpid(), "");
  CHECK(r.exit_code == 0);
  CHECK(r.err == "seccomp-hook: record: container c1: profile (none): no recording requested\n");
  r = node.run("poststop", 0, "");
  CHECK(r.exit_code == 0);
  CHECK(r.err == "seccomp-hook: poststop: container c1: profile (none): no recording to finish\n");
}

TEST_CASE("record refuses a name that escapes recordDir and a config without recordDir") {
  RecordNode node;
  RunResult r = node.run("record", ::getpid(), "../escape");
  CHECK(r.exit_code == 1);
  CHECK(r.err.starts_with("seccomp-hook: record: container c1: profile (none): refused: "));
  CHECK(r.err.find("profile-name-invalid") != std::string::npos);
  r = node.run("record", ::getpid(), "localhost/x");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("a recording name is a plain name, not a localhost/ path") != std::string::npos);
  node.config.erase("recordDir");
  node.save();
  r = node.run("record", ::getpid(), "t1");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("annotation seccomp-hook.record asks for a recording, but the hook config has no recordDir") !=
        std::string::npos);
}

TEST_CASE("record refuses a group-writable recordDir and poststop refuses when no recorder ran") {
  RecordNode node;
  ::chmod(node.record_dir.c_str(), 0775);
  RunResult r = node.run("record", ::getpid(), "t1");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("must be a directory (not a symlink) owned by root and not writable by group or others") !=
        std::string::npos);
  ::chmod(node.record_dir.c_str(), 0755);
  r = node.run("poststop", 0, "t1");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no recorder ran for this container") != std::string::npos);
}
