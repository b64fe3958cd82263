#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "hook/hook_fixture.hpp"
#include "scc/compile.hpp"
#include "scc/filter_load.hpp"
#include "scc/read.hpp"
#include "support/live_process.hpp"

using namespace scc::test;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

// A "container": a child that loads a filter compiled from `profile_text`
// (or none) and waits to be killed.
ChildProcess container_with(const std::string& profile_text) {
  scc::bpf::Program program;
  if (!profile_text.empty()) {
    auto doc = scc::read_document(profile_text);
    REQUIRE(doc.ok());
    auto compiled = scc::compile(doc.value->profiles.front());
    REQUIRE(compiled.ok());
    program = compiled.value->program;
  }
  return ChildProcess([program](const ChildProcess::Ready& ready) {
    if (program.size() > 0 && scc::load_filter(program).has_errors()) return 3;
    ready();
    for (;;) ::pause();
  });
}

struct AttestNode : HookNode {
  enum class Cache { Off, On };  // On: a cache dir from after precreate (for poststart's verdicts)
  fs::path bundle = tmp.path() / "bundle";
  explicit AttestNode(Cache caching = Cache::Off) {
    fs::create_directories(bundle);
    RunResult r = run_hook({"precreate", "--config", config_arg()}, runc_spec_config());
    REQUIRE(r.exit_code == 0);
    tmp.write("bundle/config.json", r.out);
    if (caching == Cache::On) with_cache();
  }
  RunResult poststart(pid_t pid) const {
    const std::string state = Json{{"ociVersion", "1.0.2-dev"}, {"id", "c1"}, {"status", "running"}, {"pid", pid},
                                   {"bundle", bundle.string()}}
                                  .dump();
    return run_hook({"poststart", "--config", config_arg()}, state);
  }
};

// poststart attests, and stores its verdict for, a container running
// `profile_text`'s filter.
void store_verdict(const AttestNode& node, const char* profile_text) {
  ChildProcess child = container_with(profile_text);
  REQUIRE(child.became_ready());
  REQUIRE(node.poststart(child.pid()).exit_code == 0);
}

}  // namespace

TEST_CASE("poststart attests a container running the profile's filter") {
  skip_unless_live_seccomp();
  AttestNode node;
  ChildProcess child = container_with(kBaseProfile);
  REQUIRE(child.became_ready());
  RunResult r = node.poststart(child.pid());
  CHECK(r.exit_code == 0);
  CHECK(r.err.starts_with("seccomp-hook: poststart: container c1: profile \"base\" (default): attested: 1 live "
                          "filter(s) byte-identical to the expected program ("));
  CHECK(process_state(child.pid()) != 'Z');
}

TEST_CASE("poststart kills a container whose filter is not its profile's - also with a verdict cached for the right one") {
  skip_unless_live_seccomp();
  for (const bool cached : {false, true}) {
    CAPTURE(cached);
    AttestNode node(cached ? AttestNode::Cache::On : AttestNode::Cache::Off);
    // The same config.json and hook config attested for the profile's own filter.
    if (cached) store_verdict(node, kBaseProfile);
    ChildProcess child = container_with(kStrictProfile);
    REQUIRE(child.became_ready());
    RunResult r = node.poststart(child.pid());
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.starts_with("seccomp-hook: poststart: container c1: profile \"base\" (default): refused: the live "
                            "filter is not what linux.seccomp asks for: "));
    CHECK(r.err.find(" mkdir(nr ") != std::string::npos);
    CHECK(r.err.ends_with(": live ERRNO(1) EPERM, expected ERRNO(13) EACCES; container process killed\n"));
    REQUIRE(r.exit_code == 4);  // else the child was not killed: waiting would hang
    const int status = child.wait();
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
  }
}

TEST_CASE("poststart kills a container that runs with no filter") {
  skip_unless_live_seccomp();
  AttestNode node;
  node.config["deadlineMs"] = 400;  // waits up to half of it for the filter to appear
  node.save();
  ChildProcess child = container_with("");
  REQUIRE(child.became_ready());
  RunResult r = node.poststart(child.pid());
  CHECK(r.exit_code == 4);
  CHECK(r.err.find(": live ALLOW, expected ") != std::string::npos);
  REQUIRE(r.exit_code == 4);  // else the child was not killed: waiting would hang
  const int status = child.wait();
  CHECK(WIFSIGNALED(status));
}

TEST_CASE("poststart refuses a state without a pid or with a dead one") {
  AttestNode node;
  RunResult no_pid = run_hook({"poststart", "--config", node.config_arg()},
                              Json{{"ociVersion", "1"}, {"id", "c1"}, {"status", "running"}, {"bundle", node.bundle.string()}}.dump());
  CHECK(no_pid.exit_code == 1);
  CHECK(no_pid.err == "seccomp-hook: poststart: container ?: profile (none): refused: state: no container pid (a "
                      "poststart state needs one)\n");
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  RunResult gone = node.poststart(dead);
  CHECK(gone.exit_code == 1);
  CHECK(gone.err == "seccomp-hook: poststart: container c1: profile (none): refused: cannot open process " +
                        std::to_string(dead) + ": No such process\n");
}

TEST_CASE("poststart has nothing to attest once the container process has exited") {
  skip_unless_live_seccomp();
  AttestNode node;
  ChildProcess child([](const ChildProcess::Ready&) { return 0; });  // exits at once, a zombie until reaped
  REQUIRE(wait_for_state(child.pid(), 'Z'));
  RunResult r = node.poststart(child.pid());
  CHECK(r.exit_code == 0);
  CHECK(r.err == "seccomp-hook: poststart: container c1: profile \"base\" (default): nothing to attest: the container "
                 "process has already exited\n");
}

TEST_CASE("poststart kills the container when its own deadline passes") {
  skip_unless_live_seccomp();
  AttestNode node;
  node.config["deadlineMs"] = 1;  // passed once the 900 KB state is parsed
  node.save();
  ChildProcess child = container_with(kBaseProfile);
  REQUIRE(child.became_ready());
  Json state{{"ociVersion", "1.0.2-dev"}, {"id", "c1"}, {"status", "running"}, {"pid", child.pid()},
             {"bundle", node.bundle.string()}, {"annotations", {{"big", std::string(900 * 1024, 'x')}}}};
  RunResult r = run_hook({"poststart", "--config", node.config_arg()}, state.dump());
  CHECK(r.exit_code == 3);
  CHECK(r.err == "seccomp-hook: poststart: container c1: profile (none): deadline of 1 ms passed; refused; container "
                 "process killed\n");
  REQUIRE(r.exit_code == 3);  // else the child was not killed: waiting would hang
  const int status = child.wait();
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

TEST_CASE("a second attestation of the same live filter replays the verdict") {
  skip_unless_live_seccomp();
  AttestNode node(AttestNode::Cache::On);
  ChildProcess child = container_with(kBaseProfile);
  REQUIRE(child.became_ready());
  RunResult first = node.poststart(child.pid());
  REQUIRE(first.exit_code == 0);
  const std::string line = first.err.substr(0, first.err.size() - 1);
  CHECK(line.starts_with("seccomp-hook: poststart: container c1: profile \"base\" (default): attested: 1 live "
                         "filter(s) byte-identical to the expected program (compiled in memory, program sha256 "));
  std::size_t verdicts = 0;
  for (const auto& entry : fs::directory_iterator(node.cache)) verdicts += entry.path().extension() == ".decision";
  CHECK(verdicts == 1);
  RunResult again = node.poststart(child.pid());
  CHECK(again.exit_code == 0);
  CHECK(again.err == line + "; decision cached\n");
  CHECK(process_state(child.pid()) != 'Z');
}
